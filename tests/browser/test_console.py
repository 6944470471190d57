"""The web console in a real browser against the dev host: key, Detect, Collections, Identify, Verify, errors.

One journey, as a person uses the console: a wrong key shows Azure's message;
Detect draws one box per face; a large person group is created, persons are
enrolled from photos and the group is trained with its live status; a photo
is identified with the right names and two photos are verified. Every page is
saved as a screenshot, at desktop and at phone size.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.support.helpers import new_id
from tests.support.paths import FACE_EXAMPLES

KNN = FACE_EXAMPLES / "knn_examples"
TIMEOUT = 120
BOX_COLOUR = [0, 200, 255]  # draw.js's BOX_COLOUR
PHONE = (390, 844)


def wait_for(browser, condition, what: str):
    """Poll ``condition`` (elements re-rendered meanwhile are looked up again) until it holds."""
    waiting = WebDriverWait(browser, TIMEOUT, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))
    return waiting.until(lambda driver: condition(), message=what)


def find(browser, selector: str):
    return browser.find_element(By.CSS_SELECTOR, selector)


def visible_error(browser) -> str | None:
    banner = find(browser, "#error")
    return banner.text if banner.is_displayed() else None


def no_error(browser) -> None:
    assert visible_error(browser) is None, visible_error(browser)


def use_key(browser, key: str) -> None:
    field = find(browser, "#key")
    field.clear()
    field.send_keys(key)
    find(browser, "#key-save").click()


def go(browser, page: str) -> None:
    find(browser, f'nav a[data-page="{page}"]').click()
    wait_for(browser, lambda: find(browser, f"#page-{page}").is_displayed(), f"the {page} page")


def box_edge_colours(browser, canvas: str, faces: list[dict]) -> list[list[int]]:
    """The canvas pixel at the middle of each face box's top side."""
    script = """
        const [canvas, boxes] = arguments;
        const context = document.querySelector(canvas).getContext("2d");
        const pixel = (x, y) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
        return boxes.map(b => pixel(b.left + Math.floor(b.width / 2), b.top));
    """
    return browser.execute_script(script, canvas, [face["faceRectangle"] for face in faces])


def enrol_person(browser, name: str, photos: list[Path]) -> None:
    find(browser, "#person-name").send_keys(name)
    find(browser, "#person-create").click()
    wait_for(browser, lambda: find(browser, "#add-face-title").text == f"Add a face to {name}", f"{name} created")
    for number, photo in enumerate(photos, start=1):
        find(browser, "#add-face-file").send_keys(str(photo))
        wait_for(
            browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#add-face-choices button"), "the face choices"
        )
        no_error(browser)
        find(browser, '#add-face-choices button[data-face="0"]').click()  # the largest face
        wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#add-face-choices .done"), "the face added")
        count = f"{number} face{'s' if number > 1 else ''}"
        summary = f'#persons li[data-name="{name}"] summary'
        wait_for(browser, lambda s=summary, c=count: find(browser, s).text == c, f"{name}'s face count")


@pytest.mark.slow
def test_the_console_detects_enrols_trains_identifies_and_verifies(browser, devhost, screenshots):
    browser.get(f"{devhost.endpoint}/face/console")
    wait_for(browser, lambda: find(browser, "#key-state").text == "no key", "the console to load")
    assert browser.current_url.endswith("/face/console/")

    # A wrong key: Azure's 401 and message, in the banner.
    use_key(browser, "not-the-key")
    go(browser, "collections")
    wait_for(browser, lambda: visible_error(browser), "the error banner")
    assert "401 Unspecified" in visible_error(browser)
    assert "Access denied due to invalid subscription key" in visible_error(browser)
    browser.save_screenshot(str(screenshots / "console-error.png"))
    find(browser, "#key-forget").click()

    use_key(browser, devhost.key)
    assert devhost.key not in browser.current_url
    assert browser.execute_script("return sessionStorage.getItem('face.console.key')") == devhost.key

    # Detect: one box per face, drawn on the photo, with the 27 landmarks and the JSON beside it.
    go(browser, "detect")
    find(browser, '#detect-attributes input[value="headPose"]').click()
    find(browser, "#detect-file").send_keys(str(KNN / "test" / "kit_with_rose.jpg"))
    wait_for(browser, lambda: find(browser, "#detect-summary").text, "the detection")
    no_error(browser)
    faces = browser.execute_script("return JSON.parse(document.getElementById('detect-json').textContent)")
    assert len(faces) == 2
    assert find(browser, "#detect-summary").text == "2 faces"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#detect-faces li.face")) == 2
    assert all(len(face["faceLandmarks"]) == 27 and "headPose" in face["faceAttributes"] for face in faces)
    assert box_edge_colours(browser, "#detect-canvas", faces) == [BOX_COLOUR, BOX_COLOUR]
    browser.save_screenshot(str(screenshots / "console-detect.png"))

    # Collections: create a large person group, enrol three people, train with the live status.
    group = new_id("console")
    go(browser, "collections")
    Select(find(browser, "#new-kind")).select_by_value("largepersongroups")
    find(browser, "#new-id").send_keys(group)
    find(browser, "#new-name").send_keys("Console people")
    find(browser, "#new-create").click()
    wait_for(browser, lambda: find(browser, "#collection").get_attribute("data-id") == group, "the new group open")
    assert browser.find_elements(By.CSS_SELECTOR, f'#collection-lists button[data-id="{group}"]')
    enrol_person(browser, "obama", [KNN / "train" / "obama" / "obama.jpg", KNN / "train" / "obama" / "obama2.jpg"])
    enrol_person(browser, "biden", [KNN / "train" / "biden" / "biden.jpg"])
    enrol_person(browser, "rose_leslie", [KNN / "train" / "rose_leslie" / "img1.jpg"])
    find(browser, "#collection-train").click()
    status = find(browser, "#training-status")
    wait_for(browser, lambda: status.get_attribute("data-status") in ("succeeded", "failed"), "the training")
    assert status.get_attribute("data-status") == "succeeded", status.text
    find(browser, '#persons li[data-name="obama"] summary').click()
    wait_for(browser, lambda: "userData: obama.jpg" in find(browser, '#persons li[data-name="obama"]').text, "userData")
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(screenshots / "console-collections.png"))

    # Identify: each face boxed with its best candidate.
    go(browser, "identify")
    wait_for(
        browser,
        lambda: browser.find_elements(By.CSS_SELECTOR, f'#identify-target option[value="largepersongroups/{group}"]'),
        "the group offered",
    )
    Select(find(browser, "#identify-target")).select_by_value(f"largepersongroups/{group}")
    find(browser, "#identify-file").send_keys(str(KNN / "test" / "obama_and_biden.jpg"))
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#identify-faces li.face"), "the identification")
    no_error(browser)
    best = [
        item.get_attribute("data-best") for item in browser.find_elements(By.CSS_SELECTOR, "#identify-faces li.face")
    ]
    assert {"obama", "biden"} <= set(best)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#identify-faces .candidate .bar")) >= 2
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(screenshots / "console-identify.png"))

    # Verify: two photos of one person, side by side.
    find(browser, "#verify-file-1").send_keys(str(KNN / "train" / "obama" / "obama.jpg"))
    find(browser, "#verify-file-2").send_keys(str(KNN / "test" / "obama1.jpg"))
    find(browser, "#verify-run").click()
    wait_for(browser, lambda: find(browser, "#verify-result").is_displayed(), "the verification")
    no_error(browser)
    assert find(browser, "#verify-decision").text == "Same person"
    assert float(find(browser, "#verify-confidence").text) >= 0.5
    browser.execute_script("document.getElementById('verify-result').scrollIntoView(false)")
    browser.save_screenshot(str(screenshots / "console-verify.png"))

    # A phone-sized screen: nothing wider than the screen.
    browser.set_window_size(*PHONE)
    for page in ("identify", "collections", "detect"):
        go(browser, page)
        too_wide = browser.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "window.innerWidth + 1 && e.offsetParent !== null).map(e => e.id || e.tagName + '.' + e.className)"
        )
        assert too_wide == [], page
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(screenshots / f"console-{page}-phone.png"))

    # The key travelled in a header only: no URL the page fetched carries it.
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")
    assert any("/face/v1.2/identify" in url for url in fetched)
    assert not [url for url in fetched if devhost.key in url]
