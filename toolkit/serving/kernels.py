"""What a hall of participants needs from the Voila server: sockets and files for hundreds of kernels.

Measured with a hall of 200 (issue 16): the server ran out at libzmq's default of 1,024 sockets per
context (``Too many open files``). Each kernel holds five sockets in the server (shell, iopub, stdin,
control, heartbeat) and each open page up to four more for its websocket's channels, every socket
one or two file descriptors. IPython's history in each kernel wrote to one shared SQLite file
(``database is locked``) and is of no use to a page nobody types into.
"""

from __future__ import annotations

import resource

import zmq
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import default

# Server-side sockets per participant: five to its kernel, four for its page's websocket channels.
SOCKETS_PER_PARTICIPANT = 9
# Room for this many participants with their pages open (a pool of 300 and a hall of 300 joining).
HALL_CAPACITY = 1200
MAX_SOCKETS = SOCKETS_PER_PARTICIPANT * HALL_CAPACITY
# Two descriptors per socket (its connection and its mailbox), and each kernel's pipes.
FILE_LIMIT = 4 * MAX_SOCKETS
# Participant kernels: no IPython history (its shared SQLite file locks when hundreds start at once).
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


def raise_file_limit(wanted: int = FILE_LIMIT) -> int:
    """Raise this process's open-file limit towards `wanted` (never above the hard limit); the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def hall_context(context: zmq.Context, wanted: int = MAX_SOCKETS) -> zmq.Context:
    """`context` allowed `wanted` sockets (capped at what libzmq can poll); set before its first socket."""
    context.set(zmq.MAX_SOCKETS, min(wanted, context.get(zmq.SOCKET_LIMIT)))
    return context


class HallKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager (VoilaConfiguration.multi_kernel_manager_class) for a hall of participants."""

    @default("context")
    def _context_default(self) -> zmq.Context:
        return hall_context(super()._context_default())

    async def start_kernel(self, *args, **kwargs):
        kwargs["extra_arguments"] = [*(kwargs.get("extra_arguments") or ()), *KERNEL_ARGUMENTS]
        return await super().start_kernel(*args, **kwargs)
