"""Copy the pinned npm assets into the static folder (no CDN at run time)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "zhengxie" / "static" / "vendor"
ASSETS = {
    "htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
    "echarts.min.js": "node_modules/echarts/dist/echarts.min.js",
}


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for name, source in ASSETS.items():
        path = ROOT / source
        if not path.exists():
            print(f"missing {source}: run npm ci first", file=sys.stderr)
            return 1
        shutil.copyfile(path, VENDOR / name)
    print(f"assets copied to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
