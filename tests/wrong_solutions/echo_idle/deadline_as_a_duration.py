"""set_read_deadline(idle) is given the duration, breaking 'a deadline is an absolute time on the run's clock' (now() + idle)."""
import gokernel as gk


def serve_conn(conn, idle):
    try:
        while True:
            conn.set_read_deadline(idle)   # a timer on the P's heap
            try:
                data = conn.read(65536)
            except gk.net.Timeout:
                return "idle"
            if not data:
                return "eof"
            conn.write(data)
    finally:
        conn.close()
