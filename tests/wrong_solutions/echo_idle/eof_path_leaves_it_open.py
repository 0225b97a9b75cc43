"""The connection is closed only after a timeout, breaking 'close conn before returning, on both paths'."""
import gokernel as gk


def serve_conn(conn, idle):
    while True:
        conn.set_read_deadline(gk.now() + idle)   # a timer on the P's heap
        try:
            data = conn.read(65536)
        except gk.net.Timeout:
            conn.close()
            return "idle"
        if not data:
            return "eof"
        conn.write(data)
