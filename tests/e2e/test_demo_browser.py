"""The demo in a real browser: the system Chromium, headless, driven by Playwright.

Starts `scripts/demo --headless` on a free port with its own state, signs in as a person would,
checks the dashboard's verdicts and readings (the doorbell's dBm, the Mini's missing Wi-Fi
reading), opens Blink Audio Doctor's options (the four sections, closed without saving), finds
the automations the demo makes from both blueprints, opens Settings > Repairs, runs the Living
Room Mini's talk-path test from its repair and sees the figures, then its fix flow "Restart the
camera" with "power-cycle now", and waits for the flow to report the Mini back and healthy. It
ends with a guided re-add of Backyard and the options saved unchanged. Screenshots go to
build/screenshots/ (ignored by git); to refresh the README's pictures in docs/images/, set
BLINK_DOCTOR_SCREENSHOTS=docs/images. Run by scripts/test; alone:
    scripts/test tests/e2e -p no:homeassistant
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BLINK_DOCTOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A test never rewrites tracked files: the README's pictures change only when asked for.
IMAGES = REPO / os.environ.get("BLINK_DOCTOR_SCREENSHOTS", "build/screenshots")
DEMO_START_TIMEOUT = 600  # the first run on a fresh machine installs Home Assistant
UI_TIMEOUT_MS = 30_000
POWER_CYCLE_TIMEOUT_MS = 180_000  # 10 s off, 15 s boot, Blink asked every 30 s
RE_ADD_TIMEOUT_MS = 180_000  # the guided re-add asks Blink every minute
TALK_PATH_TIMEOUT_MS = 60_000  # the test waits up to 30 s for the camera to join
BACKYARD = "G8T20000OUTDEM01"  # the demo's Outdoor camera (blink_cloud_sim/scenarios/demo.yaml)
ENGLISH = REPO / "custom_components/blink_audio_doctor/translations/en.json"
# The options form's sections, in the order the form shows them (options_flow.py).
OPTION_SECTIONS = ("thresholds", "smart_plugs", "network_tests", "mirrored_sensors")
# The automations scripts/demo makes (scripts/lib/demo_automations.py): id -> blueprint.
DEMO_AUTOMATIONS = {
    "blink_audio_doctor_demo_notify": "blink_audio_doctor/notify_when_unhealthy.yaml",
    "blink_audio_doctor_demo_power_cycle": "blink_audio_doctor/power_cycle_when_unhealthy.yaml",
}

expect.set_options(timeout=UI_TIMEOUT_MS)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs the system Chromium (scripts/test installs it)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Demo:
    """The running demo: Home Assistant's address and the Blink cloud simulator's."""

    url: str
    sim_url: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo, headless, on a free port with a fresh state."""
    port = _free_port()
    state = tmp_path_factory.mktemp("demo-state")
    proc = subprocess.Popen(  # noqa: S603 - the repository's own script
        [str(REPO / "scripts/demo"), "--headless", "--port", str(port), "--state", str(state)],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert proc.stdout is not None
    output: list[str] = []
    try:
        _read_until_ready(proc.stdout.fileno(), output)
        sim_urls = [m.group(1) for ln in output if (m := re.search(r"simulator on (\S+)", ln))]
        assert sim_urls, "the demo did not say where its Blink cloud simulator runs"
        yield Demo(f"http://127.0.0.1:{port}", sim_urls[0])
    finally:
        _stop(proc)
        log = state / "config/home-assistant.log"
        if log.exists():
            errors = [ln for ln in log.read_text().splitlines() if "blink_audio_doctor" in ln]
            print("\n".join(errors[-20:]))  # noqa: T201 - shown when the test fails


def _read_until_ready(fd: int, output: list[str]) -> None:
    """Collect the demo's lines until it says it is ready.

    Reads the pipe's bytes directly: a buffered reader can take several lines at once and
    leave the "ready" line in its buffer, where waiting on the pipe never sees it.
    """
    deadline = time.monotonic() + DEMO_START_TIMEOUT
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            if time.monotonic() > deadline:
                pytest.fail("the demo did not get ready:\n" + "".join(output[-40:]))
            if not selector.select(timeout=1):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                pytest.fail("the demo exited:\n" + "".join(output[-40:]))
            *lines, pending = (pending + chunk).split(b"\n")
            fresh = [line.decode(errors="replace") + "\n" for line in lines]
            output.extend(fresh)
            if any("] ready in " in line for line in fresh):
                return


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the demo; everything it started must be gone afterwards."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # Nothing of the demo's process group may outlive it.
    time.sleep(1)
    try:
        os.killpg(proc.pid, 0)
    except ProcessLookupError:
        return
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("the demo left processes behind after Ctrl-C")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """The system Chromium with a fresh profile; never a downloaded browser."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(UI_TIMEOUT_MS)
        yield context
        context.close()


def _section(page: Page, heading: str) -> Locator:
    """A dashboard section by its heading."""
    return page.locator("hui-grid-section").filter(has=page.get_by_text(heading, exact=True))


def _tile(section: Locator, name: str) -> Locator:
    return section.locator("hui-tile-card").filter(has_text=name)


def _expect_figure(tile: Locator, name: str, low: float, high: float) -> None:
    """A tile showing a number in Mbit/s between `low` and `high`."""
    expect(tile).to_have_text(re.compile(rf"{name}\s*[\d,.]+\s*Mbit/s"))
    # The figure sits in the tile's shadow DOM: get_by_text reaches it.
    figure = tile.get_by_text(re.compile(r"[\d,.]+\s*Mbit/s")).first.inner_text()
    shown = re.search(r"([\d,.]+)\s*Mbit/s", figure)
    assert shown is not None
    value = float(shown.group(1).replace(",", ""))
    assert low <= value <= high, f"{name} reads {value} Mbit/s"


def _expect_camera(page: Page, camera: str, *, healthy: str, diagnosis: str, online: str) -> None:
    section = _section(page, camera)
    expect(_tile(section, "Two-way audio healthy")).to_have_text(
        re.compile(rf"Two-way audio healthy\s*{healthy}\s*$")
    )
    expect(_tile(section, "Diagnosis")).to_have_text(re.compile(rf"Diagnosis\s*{diagnosis}\s*$"))
    expect(_tile(section, "Online")).to_have_text(re.compile(rf"Online\s*{online}\s*$"))


def _sign_in(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill("demo")
    page.get_by_role("textbox", name="Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()


def _screenshot(page: Page, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1000)  # let animations settle
    page.screenshot(path=str(IMAGES / name))


def _sim(sim_url: str, name: str, **kwargs: Any) -> Any:
    """The simulator's control API: what a person does in the Blink app."""
    request = urllib.request.Request(  # noqa: S310 - the demo's own simulator on the loopback
        f"{sim_url}/_sim/{name}",
        data=json.dumps(kwargs).encode() if kwargs else None,
        headers={"Content-Type": "application/json"},
        method="POST" if kwargs else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["result"]


def _hass(page: Page, script: str) -> Any:
    """Run `script` with the frontend's signed-in `hass` object (as the UI itself does)."""
    # Right after a navigation the frontend may not have signed in yet.
    page.wait_for_function("() => document.querySelector('home-assistant')?.hass?.connected")
    return page.evaluate(
        f"async () => {{ const hass = document.querySelector('home-assistant').hass; {script} }}"
    )


def _our_entities(page: Page, device_name: str) -> list[str]:
    return sorted(
        _hass(
            page,
            "return Object.values(hass.entities).filter((e) => e.platform === "
            "'blink_audio_doctor' && e.device_id && hass.devices[e.device_id].name === "
            f"'{device_name}').map((e) => e.entity_id);",
        )
    )


def _blink_entry_state(page: Page) -> str:
    return str(
        _hass(
            page,
            "const entries = await hass.callWS({type: 'config_entries/get', domain: 'blink'});"
            " return entries[0].state;",
        )
    )


def test_demo_in_the_browser(demo: Demo, browser: BrowserContext) -> None:
    """Dashboard, repairs, the Mini brought back by its fix flow, the Backyard re-added."""
    page = browser.pages[0] if browser.pages else browser.new_page()
    _sign_in(page, f"{demo.url}/blink-audio-doctor")

    # The dashboard: the three cameras with their verdicts.
    _expect_camera(page, "Front Door", healthy="Likely works", diagnosis="OK", online="Connected")
    # The doorbell's Wi-Fi in dBm comes from its config (Blink's homescreen has none for it).
    expect(_tile(_section(page, "Front Door"), "Wi-Fi signal")).to_have_text(
        re.compile(r"Wi-Fi signal\s*-58\s*dBm\s*$")
    )
    # The Mini's config carries no Wi-Fi reading: said plainly, no value made up.
    expect(_section(page, "Living Room").locator("hui-markdown-card")).to_have_text(
        re.compile(r"Wi-Fi signal:\s*no reading from Blink for this model")
    )
    _expect_camera(
        page, "Backyard", healthy="Likely broken", diagnosis="Weak Wi-Fi", online="Connected"
    )
    _expect_camera(
        page,
        "Living Room",
        healthy="Likely broken",
        diagnosis="Camera offline",
        online="Disconnected",
    )
    # The demo's line is 100 Mbit/s down and 20 up (blink_cloud_sim/scenarios/demo.yaml):
    # the measured figures are within 10 % of it, and nothing was lost.
    internet = _section(page, "Internet")
    _expect_figure(_tile(internet, "Download"), "Download", 90, 110)
    _expect_figure(_tile(internet, "Upload"), "Upload", 18, 22)
    expect(_tile(internet, "Packet loss")).to_have_text(re.compile(r"Packet loss\s*0(\.0)?\s*%"))
    expect(page.locator("hui-history-graph-card")).to_have_count(3)
    # Every card's entity exists (a missing one shows a warning card instead).
    expect(page.locator("hui-warning")).to_have_count(0)
    _screenshot(page, "dashboard.png")
    _options_in_sections(page, demo)
    _demo_automations(page, demo)

    # Settings > Repairs lists the Mini and the Outdoor camera.
    page.goto(f"{demo.url}/config/repairs")
    living_room = page.get_by_text("Living Room: two-way audio likely broken")
    expect(living_room).to_be_visible()
    expect(page.get_by_text("Backyard: two-way audio likely broken")).to_be_visible()
    expect(page.get_by_text("Front Door: two-way audio likely broken")).to_have_count(0)
    _screenshot(page, "repairs.png")

    # The Mini's fix flow: "Restart the camera", power-cycle now through its smart plug.
    living_room.click()
    menu_title = page.get_by_text("Fix two-way audio on Living Room")
    expect(menu_title).to_be_visible()
    _test_talk_path_in_repair(page, menu_title)
    page.get_by_text("Restart the camera", exact=True).click()
    expect(page.get_by_text("Restart Living Room")).to_be_visible()
    power_cycle_now = page.get_by_role("checkbox", name="Power-cycle it now with its smart plug")
    expect(power_cycle_now).to_be_checked()
    _screenshot(page, "repair_flow.png")
    page.get_by_role("button", name="Submit").click()
    # The dialog shows progress at once, then the power cycle's own result: back online and
    # healthy, so the fix flow ends with that news.
    expect(page.get_by_text(re.compile(r"Living Room was back online \d+ s after"))).to_be_visible(
        timeout=POWER_CYCLE_TIMEOUT_MS
    )
    _screenshot(page, "repair_flow_done.png")
    page.get_by_role("button", name="Finish").click()

    # The Mini is back: online, two-way audio healthy, and its repair gone.
    page.goto(f"{demo.url}/blink-audio-doctor")
    _expect_camera(page, "Living Room", healthy="Likely works", diagnosis="OK", online="Connected")
    _screenshot(page, "dashboard_recovered.png")
    page.goto(f"{demo.url}/config/repairs")
    expect(page.get_by_text("Backyard: two-way audio likely broken")).to_be_visible()
    expect(page.get_by_text("Living Room: two-way audio likely broken")).to_have_count(0)

    _re_add_backyard(page, demo)
    _options_saved_unchanged(page, demo)


def _options_form(page: Page) -> Any:
    """The options form as Home Assistant offers it now (REST API; the flow is dropped again).

    Its fields carry the stored options as their values, so two calls compare what is stored.
    """
    return _hass(
        page,
        "const entries = await hass.callWS({type: 'config_entries/get', "
        "domain: 'blink_audio_doctor'});"
        " const form = await hass.callApi('POST', 'config/config_entries/options/flow', "
        "{handler: entries[0].entry_id});"
        " await hass.callApi('DELETE', `config/config_entries/options/flow/${form.flow_id}`);"
        " return form.data_schema;",
    )


def _options_in_sections(page: Page, demo: Demo) -> None:
    """Settings > Devices & services > Blink Audio Doctor > Configure: the form in sections.

    Each section shows its translated name and help text and folds away and opens again; the
    form says how much data the speed test moves. Closed without saving, the options stay as
    they were.
    """
    texts = json.loads(ENGLISH.read_text(encoding="utf-8"))["options"]["step"]["init"]
    before = _options_form(page)
    page.goto(f"{demo.url}/config/integrations/integration/blink_audio_doctor")
    page.get_by_role("button", name="Configure").click()
    expect(page.get_by_text(texts["title"], exact=True)).to_be_visible()
    # The data-use sentence with the figures of the demo's settings in its placeholders.
    data_use = re.escape(texts["description"].split(". ")[-1])
    expect(
        page.get_by_text(re.compile(re.sub(r"\\\{\w+\\\}", r"[\\d.,]+", data_use)))
    ).to_be_visible()
    # Every section open, with its translated name and help text.
    for key in OPTION_SECTIONS:
        section = texts["sections"][key]
        expect(page.get_by_role("heading", name=section["name"], exact=True)).to_be_visible()
        expect(page.get_by_text(section["description"])).to_be_visible()
    # A section folds away and opens again, its fields with their translated help.
    network = texts["sections"]["network_tests"]
    heading = page.get_by_role("heading", name=network["name"], exact=True)
    field_help = page.get_by_text(network["data_description"]["speed_test_hours"])
    expect(field_help).to_be_visible()
    heading.click()
    expect(field_help).to_be_hidden()
    heading.click()
    expect(field_help).to_be_visible()
    _screenshot(page, "options.png")
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.get_by_text(texts["title"], exact=True)).to_have_count(0)
    assert _options_form(page) == before


def _options_saved_unchanged(page: Page, demo: Demo) -> None:
    """The options dialog starts with what is stored (the Mini's plug), and Submit keeps it.

    Last, since saving the options reloads Blink Audio Doctor.
    """
    before = _options_form(page)
    page.goto(f"{demo.url}/config/integrations/integration/blink_audio_doctor")
    page.get_by_role("button", name="Configure").click()
    pickers = page.locator("ha-entity-picker")
    expect(pickers.first).to_be_visible()
    assert "switch.living_room_plug" in pickers.evaluate_all("els => els.map((e) => e.value)")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("button", name="Finish")).to_be_visible()
    page.get_by_role("button", name="Finish").click()
    assert _options_form(page) == before


def _demo_automations(page: Page, demo: Demo) -> None:
    """One automation per blueprint, on, for the Living Room, listed in Settings > Automations."""
    living_room = _hass(
        page,
        "return Object.values(hass.devices).find((d) => d.name === 'Living Room' && "
        "Object.values(hass.entities).some((e) => e.device_id === d.id && "
        "e.platform === 'blink_audio_doctor')).id;",
    )
    page.goto(f"{demo.url}/config/automation/dashboard")
    for automation_id, blueprint in DEMO_AUTOMATIONS.items():
        config = _hass(
            page, f"return await hass.callApi('GET', 'config/automation/config/{automation_id}');"
        )
        assert config["use_blueprint"]["path"] == blueprint
        assert config["use_blueprint"]["input"]["camera"] == living_room
        state = _hass(
            page,
            "return Object.values(hass.states).find((s) => s.entity_id.startsWith('automation.')"
            f" && s.attributes.id === '{automation_id}');",
        )
        assert state["state"] == "on"
        expect(page.get_by_text(config["alias"], exact=True)).to_be_visible()


def _test_talk_path_in_repair(page: Page, menu_title: Locator) -> None:
    """The Mini's repair offers the talk-path test first (Blink reports no Wi-Fi for it).

    The hung Mini never joins the live view; the media server is measured all the same, and
    "Back to the list" returns to the fixes.
    """
    page.get_by_text("Test the talk path (live view)", exact=True).click()
    expect(page.get_by_text("Test the talk path of Living Room")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Run the test now")).to_be_checked()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Talk path of Living Room measured")).to_be_visible(
        timeout=TALK_PATH_TIMEOUT_MS
    )
    expect(page.get_by_text("The camera did not join the live view.")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"media server 127\.0\.0\.1 set up a secure connection"))
    ).to_be_visible()
    _screenshot(page, "repair_talk_path.png")
    # The menu item, not the description's "**Back to the list**" that names it.
    page.locator("span").filter(has_text=re.compile(r"^Back to the list$")).click()
    expect(menu_title).to_be_visible()


def _re_add_backyard(page: Page, demo: Demo) -> None:
    """A guided re-add of the Backyard camera; the Blink app's part is played by the simulator.

    HA's Blink stays loaded throughout (never reloaded or re-authenticated by us) and our
    entities keep their ids.
    """
    entities = _our_entities(page, "Backyard")
    assert "binary_sensor.backyard_two_way_audio_healthy" in entities
    _hass(
        page,
        "await hass.callService('blink_audio_doctor', 're_add_camera', {}, "
        "{entity_id: 'binary_sensor.backyard_two_way_audio_healthy'});",
    )
    expect(page.get_by_text("Re-add Backyard to your Blink account")).to_be_visible()
    asked = _sim(demo.sim_url, "endpoint_counts").get("homescreen", 0)
    _sim(demo.sim_url, "delete_camera", serial=BACKYARD)
    deadline = time.monotonic() + RE_ADD_TIMEOUT_MS / 1000
    while _sim(demo.sim_url, "endpoint_counts").get("homescreen", 0) <= asked:
        assert time.monotonic() < deadline, "nobody asked Blink after the camera was deleted"
        time.sleep(2)
    time.sleep(2)  # the answer that lacks the camera is read
    _sim(demo.sim_url, "add_camera_back", serial=BACKYARD)
    expect(
        page.get_by_text("Backyard is back: the Blink integration shows it after a reload")
    ).to_be_visible(timeout=RE_ADD_TIMEOUT_MS)
    expect(page.get_by_text("Re-add Backyard to your Blink account")).to_have_count(0)
    _screenshot(page, "repairs_re_added.png")
    assert _blink_entry_state(page) == "loaded"
    assert _our_entities(page, "Backyard") == entities
