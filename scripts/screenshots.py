"""Take screenshots of the main pages of a running dangbo (for docs/img and for review).

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]
Needs Debian's chromium and the demo data (make demo).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/img")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def shoot(page, path: str, name: str, full: bool = False) -> None:
    page.goto(BASE + path)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(name, page.url)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for label, viewport in (("", {"width": 1280, "height": 860}), ("phone-", {"width": 390, "height": 844})):
            context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
            page = context.new_page()
            shoot(page, "/dang-nhap/", f"{label}login")
            page.fill("input[name=username]", "vanphong")
            page.fill("input[name=password]", "dangbo-demo")
            page.click("button[type=submit]")
            page.wait_for_url(BASE + "/")
            shoot(page, "/", f"{label}home")
            shoot(page, "/to-chuc/", f"{label}tree")
            page.get_by_role("link", name="Đảng bộ thành phố Đông Hà", exact=True).first.click()
            page.wait_for_url("**/to-chuc/don-vi/*/")  # the unit's page, not the tree it was clicked on
            page.wait_for_load_state()
            page.screenshot(path=str(OUT / f"{label}unit.png"), full_page=bool(label))
            shoot(page, "/to-chuc/nguoi/?q=nguyen", f"{label}people")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
