"""A woken writer returns pd.rerr: why a write wait ended is in pd.werr."""
import selectors
from gokernel.rt import WaitReason


def netpollblock(rt, np, pd, write):
    if pd.closing:
        return "closed"
    deadline = pd.wd if write else pd.rd
    if deadline is not None and deadline <= rt.nanotime():
        return "timeout"
    g = rt.curg
    if write:
        pd.wg, pd.werr = g, None
    else:
        pd.rg, pd.rerr = g, None
    np.waiters += 1
    np._update(pd)                  # the selector now watches this direction
    rt.gopark(WaitReason.IO_WAIT)
    return pd.rerr


def netpollready(rt, np, pd, mask, gs):
    if mask & selectors.EVENT_READ and pd.rg is not None:
        gs.append(pd.rg)
        pd.rg = None
        np.waiters -= 1
    if mask & selectors.EVENT_WRITE and pd.wg is not None:
        gs.append(pd.wg)
        pd.wg = None
        np.waiters -= 1
    np._update(pd)
