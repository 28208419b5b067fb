"""The ``openjobcenter`` command: ``openjobcenter calc FILE.json``, ``openjobcenter scan ...`` and Django's commands."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "calc":
        from openjobcenter.benefits.cli import main as calc_main

        return calc_main(args)
    if args and args[0] == "scan":
        from openjobcenter.documents.cli import main as scan_main

        return scan_main(args)
    from openjobcenter.manage import main as manage_main

    sys.argv = ["openjobcenter", *args]
    manage_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
