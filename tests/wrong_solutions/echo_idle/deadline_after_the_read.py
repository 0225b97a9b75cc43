"""The deadline is set after each read, breaking 'idle counts from the start too' (a client that never writes is never closed)."""
import gokernel as gk


def serve_conn(conn, idle):
    try:
        while True:
            try:
                data = conn.read(65536)
            except gk.net.Timeout:
                return "idle"
            conn.set_read_deadline(gk.now() + idle)
            if not data:
                return "eof"
            conn.write(data)
    finally:
        conn.close()
