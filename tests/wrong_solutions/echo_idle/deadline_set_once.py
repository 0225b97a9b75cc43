"""The read deadline is set once, before the loop, breaking 'the deadline is set afresh before every read' (a client that keeps talking is cut off)."""
import gokernel as gk


def serve_conn(conn, idle):
    conn.set_read_deadline(gk.now() + idle)
    try:
        while True:
            try:
                data = conn.read(65536)
            except gk.net.Timeout:
                return "idle"
            if not data:
                return "eof"
            conn.write(data)
    finally:
        conn.close()
