"""A timed-out read returns "timeout", breaking 'an idle connection makes serve_conn return "idle"'."""
import gokernel as gk


def serve_conn(conn, idle):
    try:
        while True:
            conn.set_read_deadline(gk.now() + idle)   # a timer on the P's heap
            try:
                data = conn.read(65536)
            except gk.net.Timeout:
                return "timeout"
            if not data:
                return "eof"
            conn.write(data)
    finally:
        conn.close()
