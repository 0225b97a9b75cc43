"""Only the first byte of each read is written back, breaking 'everything read is written back, whole'."""
import gokernel as gk


def serve_conn(conn, idle):
    try:
        while True:
            conn.set_read_deadline(gk.now() + idle)   # a timer on the P's heap
            try:
                data = conn.read(65536)
            except gk.net.Timeout:
                return "idle"
            if not data:
                return "eof"
            conn.write(data[:1])
    finally:
        conn.close()
