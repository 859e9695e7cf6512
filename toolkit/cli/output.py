"""Where a command's file goes: --output (written atomically) or standard output."""

from __future__ import annotations

import sys
from pathlib import Path

from toolkit.datafile import write_atomic


def write_output(args, data: bytes, binary: bool) -> int:
    """Write `data` to args.output, or to stdout unless it is binary and stdout is a terminal."""
    if args.output:
        write_atomic(Path(args.output), data)
        print(f"Đã ghi {args.output} ({len(data):,} byte).", file=sys.stderr)
    elif binary and sys.stdout.isatty():
        print("Tệp Excel là nhị phân: hãy dùng --output TỆP.xlsx.", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
    return 0
