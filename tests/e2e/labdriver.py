"""Drive a real JupyterLab in a real browser: start a throw-away server, open notebooks, run them.

Used by the end-to-end tests (``tests/e2e``) and by ``bench/browser.py``. Needs the ``playwright``
Python package and a Chromium binary (Debian's ``chromium``; ``playwright install`` is not
needed). Nothing here is part of the course's runtime.

The server serves a temporary copy of the course folders, so running notebooks in the browser
never touches the repository's files. It listens on 127.0.0.1, on a port the OS picks, without a
token, with notebook windowing off (every cell stays in the page) and autosave off.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
SETTINGS = {  # JupyterLab user settings for the test server
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def chromium_path() -> str | None:
    """The Chromium binary: ``$CHROMIUM`` if set, else ``chromium`` on the PATH."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    if chromium_path() is None:
        return "no chromium binary (apt-get install chromium, or set $CHROMIUM)"
    return None


class JupyterLabServer:
    """``jupyter lab`` on 127.0.0.1, a port chosen by the OS, serving a copy of ``folders``."""

    def __init__(self, folders=("notebooks", "exercises"), timeout: float = 90.0):
        self.home = Path(tempfile.mkdtemp(prefix="course-e2e-"))
        self.root = self.home / "course"
        self.root.mkdir()
        for folder in folders:
            shutil.copytree(REPO / folder, self.root / folder,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for plugin, values in SETTINGS.items():
            path = self.home / "settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.home / "config"),
                   JUPYTER_RUNTIME_DIR=str(self.home / "runtime"), JUPYTER_DATA_DIR=str(self.home / "data"),
                   PYTHONHASHSEED="0")
        self.log = open(self.home / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.port_retries=0",
             f"--ServerApp.root_dir={self.root}", "--IdentityProvider.token=", "--ServerApp.password=",
             "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={self.home / 'settings'}",
             f"--LabApp.workspaces_dir={self.home / 'workspaces'}"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root)
        try:
            self.url = self._wait_until_up(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        runtime = self.home / "runtime"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n{self.server_log()}")
            for info_file in runtime.glob("jpserver-*.json"):
                with contextlib.suppress(ValueError, OSError):
                    url = json.loads(info_file.read_text())["url"].rstrip("/")
                    with urllib.request.urlopen(f"{url}/api/status", timeout=5):
                        return url
            time.sleep(0.2)
        raise TimeoutError(f"jupyter lab did not answer within {timeout} s:\n{self.server_log()}")

    def server_log(self) -> str:
        self.log.flush()
        return (self.home / "server.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop the server (and its kernels) and delete the copy; safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


@contextlib.contextmanager
def running_lab(folders=("notebooks", "exercises")):
    """A JupyterLab server and a headless Chromium, both stopped on exit whatever happens."""
    from playwright.sync_api import sync_playwright

    server = JupyterLabServer(folders)
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS)
            try:
                yield server, browser
            finally:
                browser.close()
    finally:
        server.stop()


# --- one notebook in a page ----------------------------------------------------------------------
CURRENT = "window.jupyterapp.shell.currentWidget"
UNRENDERED_LATEX_JS = """() => {
    const found = [];
    for (const md of document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')) {
        const copy = md.cloneNode(true);
        copy.querySelectorAll('code, pre, mjx-container').forEach(e => e.remove());
        const raw = copy.textContent.match(/\\$[^$]+\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/);
        if (raw) found.push(raw[0].slice(0, 80));
    }
    const errors = [...document.querySelectorAll('mjx-merror')].map(e => 'MathJax error: ' + e.textContent);
    return found.concat(errors);
}"""
OUTPUTS_JS = f"""() => {CURRENT}.content.widgets.map((cell, index) => ({{
    index, type: cell.model.type,
    executionCount: cell.model.type === 'code' ? cell.model.executionCount : null,
    outputs: cell.model.type === 'code' ? cell.model.outputs.toJSON() : [],
}}))"""


class NotebookPage:
    """A notebook opened in JupyterLab, with a fresh kernel of its own."""

    def __init__(self, browser, server: JupyterLabServer, path: str):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(60_000)
        self.page.goto(f"{server.url}/lab/tree/{path}?reset")  # reset: no tabs restored from earlier pages
        self.page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext", timeout=120_000)
        self.page.evaluate(f"async () => {{ await {CURRENT}.sessionContext.ready; }}")
        self.wait_until_idle()

    def wait_until_idle(self, timeout: float = 120_000) -> None:
        self.page.wait_for_function(
            f"() => {CURRENT}.sessionContext.session?.kernel?.status === 'idle'"
            " && ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('[*]'))",
            timeout=timeout, polling=200)

    def run_all(self) -> None:
        """Run every cell, as the Run > Run All Cells menu does, and wait for the kernel."""
        self.page.evaluate("async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        self.wait_until_idle()

    def cells(self) -> list[dict]:
        return self.page.evaluate(OUTPUTS_JS)

    def problems(self) -> list[str]:
        """What a learner would see as broken: errors, warnings, widgets or LaTeX that failed."""
        found = []
        for cell in self.cells():
            if cell["type"] == "code" and cell["executionCount"] is None:
                found.append(f"cell {cell['index']} did not run")
            for out in cell["outputs"]:
                if out["output_type"] == "error":
                    found.append(f"cell {cell['index']}: {out['ename']}: {out['evalue']}")
                elif out["output_type"] == "stream" and out["name"] == "stderr":
                    text = "".join(out["text"])
                    if any(word in text for word in ("Warning", "Error", "Traceback")):
                        found.append(f"cell {cell['index']} stderr: {text[:300]}")
        if self.page.get_by_text("Error displaying widget").count():
            found.append("Error displaying widget")
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:  # MathJax typesets asynchronously: give it time to finish
            self.page.wait_for_function(f"() => ({UNRENDERED_LATEX_JS})().length === 0", timeout=15_000)
        except PlaywrightTimeout:
            found += [f"unrendered LaTeX: {text}" for text in self.page.evaluate(UNRENDERED_LATEX_JS)]
        return found

    def explorers(self) -> list:
        """Every live explorer in the outputs: the box holding its picture and its controls."""
        return self.page.locator(".jp-OutputArea-output .widget-hbox:has(> .widget-image)").all()

    def close(self) -> None:
        """Shut the kernel down and close the page."""
        with contextlib.suppress(Exception):
            self.page.evaluate(f"async () => {{ await {CURRENT}.sessionContext.shutdown(); }}")
        self.page.close()


# --- one explorer in the page -------------------------------------------------------------------
WATCH_PICTURE_JS = """img => {
    img.__pictures = 0;
    new MutationObserver(() => { img.__pictures += 1; }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""


class ExplorerBox:
    """An explorer's box in the page: its picture, sliders and Play button, used with the keyboard.

    ``picture`` selects the element that shows the picture, inside ``box``."""

    def __init__(self, box, picture: str = "> .widget-image"):
        self.box = box
        self.image = box.locator(picture)
        self.image.evaluate(WATCH_PICTURE_JS)

    def slider(self, label: str):
        """The handle of the first visible slider whose description matches ``label`` (a regex), or None."""
        sliders = self.box.locator(".widget-slider").filter(
            has=self.box.page.locator(".widget-label", has_text=re.compile(label)))
        for slider in sliders.all():
            if slider.is_visible():
                return slider.locator(".noUi-handle")
        return None

    def pictures(self) -> int:
        """How many new pictures arrived since the explorer was found."""
        return self.image.evaluate("img => img.__pictures")

    def picture(self, timeout: float = 20_000) -> bytes:
        """A screenshot of the picture, once its image has loaded (a broken image never does).

        Not ``img.decode()``: Chromium rejects that promise when a newer picture replaces the image
        while it decodes, and its compositor may refuse a decode; neither says the picture is wrong."""
        def failure() -> str:
            state = self.image.evaluate("img => `complete=${img.complete} naturalWidth=${img.naturalWidth}`")
            return f"the picture did not load within {timeout / 1000:g} s ({state})"

        self._wait_until("img.complete && img.naturalWidth > 0", timeout, failure)
        return self.image.screenshot()

    def press(self, handle, key: str = "") -> bytes:
        """Press an arrow key on a slider handle (towards the middle of its range), wait for the new
        picture, and return it."""
        if not key:
            value, high = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
            key = "ArrowLeft" if value >= high else "ArrowRight"
        before = self.pictures()
        handle.focus()
        handle.press(key)
        self._wait_for_pictures(before + 1, f"{key} on a slider")
        return self.picture()

    def _wait_for_pictures(self, count: int, action: str, timeout: float = 20_000) -> None:
        self._wait_until(f"img.__pictures >= {count}", timeout, lambda: (
            f"{action}: {self.pictures()} new picture(s) within {timeout / 1000:g} s, expected {count}"))

    def _wait_until(self, condition: str, timeout: float, failure) -> None:
        """Wait until ``condition`` (JavaScript about ``img``) holds, else raise ``AssertionError(failure())``."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.image.page.wait_for_function(f"img => {condition}", arg=self.image.element_handle(), timeout=timeout)
        except PlaywrightTimeout:
            raise AssertionError(failure()) from None

    def play(self, frames: int = 3, timeout: float = 20_000) -> int:
        """Press Stop (back to the first step), then Play; wait for ``frames`` new pictures, press
        Pause; return the number of pictures seen after Play."""
        buttons = self.box.locator(".widget-play button")  # play, pause, stop, repeat
        buttons.nth(2).click()
        self.image.page.wait_for_timeout(300)
        before = self.pictures()
        buttons.nth(0).click()
        self._wait_for_pictures(before + frames, "Play", timeout)
        buttons.nth(1).click()
        return self.pictures() - before
