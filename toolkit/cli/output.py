"""Where a command's file goes: --output (written atomically) or standard output."""

from __future__ import annotations

import sys
from pathlib import Path

from toolkit.datafile import write_atomic
from toolkit.vietnamese import whole

BINARY_KINDS = {"xlsx": "Tệp Excel", "docx": "Tệp Word"}


def write_output(args, data: bytes, binary: bool, suffix: str = "xlsx") -> int:
    """Write `data` to args.output, or to stdout unless it is binary and stdout is a terminal.

    `suffix` names the binary file in the message (xlsx, docx)."""
    if args.output:
        write_atomic(Path(args.output), data)
        print(f"Đã ghi {args.output} ({whole(len(data))} byte).", file=sys.stderr)
    elif binary and sys.stdout.isatty():
        print(f"{BINARY_KINDS[suffix]} là nhị phân: hãy dùng --output TỆP.{suffix}.", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
    return 0
