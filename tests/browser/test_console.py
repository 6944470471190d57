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
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.support.directory import delete_persons
from tests.support.helpers import new_id
from tests.support.paths import KNN_EXAMPLES
from tests.support.servers import FaceClient

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


def too_wide(browser) -> list[str]:
    """The shown elements that reach past the window's right edge."""
    return browser.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 1 && e.offsetParent !== null).map(e => e.id || e.tagName + '.' + e.className)"
    )


def box_edge_colours(browser, canvas: str, faces: list[dict]) -> list[list[int]]:
    """The canvas pixel at the middle of each face box's top side."""
    script = """
        const [canvas, boxes] = arguments;
        const context = document.querySelector(canvas).getContext("2d");
        const pixel = (x, y) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
        return boxes.map(b => pixel(b.left + Math.floor(b.width / 2), b.top));
    """
    return browser.execute_script(script, canvas, [face["faceRectangle"] for face in faces])


def add_face_from(browser, photo: Path) -> None:
    """Add the largest face of ``photo`` through the "Add a face" panel, wherever it is shown."""
    find(browser, "#add-face-file").send_keys(str(photo))
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#add-face-choices button"), "the face choices")
    no_error(browser)
    find(browser, '#add-face-choices button[data-face="0"]').click()  # the largest face
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#add-face-choices .done"), "the face added")
    no_error(browser)


def enrol_person(browser, name: str, photos: list[Path]) -> None:
    find(browser, "#person-name").send_keys(name)
    find(browser, "#person-create").click()
    wait_for(browser, lambda: find(browser, "#add-face-title").text == f"Add a face to {name}", f"{name} created")
    for number, photo in enumerate(photos, start=1):
        add_face_from(browser, photo)
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
    find(browser, "#detect-file").send_keys(str(KNN_EXAMPLES / "test" / "kit_with_rose.jpg"))
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
    enrol_person(
        browser,
        "obama",
        [KNN_EXAMPLES / "train" / "obama" / "obama.jpg", KNN_EXAMPLES / "train" / "obama" / "obama2.jpg"],
    )
    enrol_person(browser, "biden", [KNN_EXAMPLES / "train" / "biden" / "biden.jpg"])
    enrol_person(browser, "rose_leslie", [KNN_EXAMPLES / "train" / "rose_leslie" / "img1.jpg"])
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
    find(browser, "#identify-file").send_keys(str(KNN_EXAMPLES / "test" / "obama_and_biden.jpg"))
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
    find(browser, "#verify-file-1").send_keys(str(KNN_EXAMPLES / "train" / "obama" / "obama.jpg"))
    find(browser, "#verify-file-2").send_keys(str(KNN_EXAMPLES / "test" / "obama1.jpg"))
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
        assert too_wide(browser) == [], page
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(screenshots / f"console-{page}-phone.png"))

    # The key travelled in a header only: no URL the page fetched carries it.
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")
    assert any("/face/v1.2/identify" in url for url in fetched)
    assert not [url for url in fetched if devhost.key in url]


def open_directory(browser) -> None:
    """Open the directory once the page's lists are drawn (drawing them moves the button), and wait until its
    persons and groups are listed."""
    settled(browser)
    find(browser, "#directory-open").click()
    wait_for(browser, lambda: find(browser, "#directory").is_displayed(), "the directory open")
    settled(browser)


def settled(browser) -> None:
    """Wait until no action of the console is under way (the page is aria-busy while one is)."""
    wait_for(browser, lambda: find(browser, "body").get_attribute("aria-busy") != "true", "the console idle")


def open_item(browser, selector: str) -> None:
    """Click a person's or group's link and wait until it is open."""
    settled(browser)
    find(browser, selector).click()
    settled(browser)


def operation_settled(browser, label: str) -> str | None:
    """The status the console shows for the newest operation labelled ``label``, once it has settled."""
    for item in browser.find_elements(By.CSS_SELECTOR, "#operations li"):
        if item.text.startswith(f"{label}:"):
            status = item.get_attribute("data-status")
            return status if status in ("succeeded", "failed") else None
    return None


def expect_operation(browser, label: str) -> None:
    wait_for(browser, lambda: operation_settled(browser, label), f"the operation '{label}'")
    assert operation_settled(browser, label) == "succeeded", find(browser, "#operations").text


def enrol_directory_person(browser, name: str, photos: list[Path]) -> str:
    """Create a directory person and add its faces (recognition_04) from ``photos``; returns its personId."""
    find(browser, "#dir-new-name").send_keys(name)
    find(browser, "#dir-person-create").click()
    wait_for(browser, lambda: find(browser, "#dir-person-title").text == name, f"{name} created and open")
    expect_operation(browser, f"Create {name}")
    settled(browser)
    assert find(browser, "#dir-faces").get_attribute("data-count") == "0"
    for number, photo in enumerate(photos, start=1):
        add_face_from(browser, photo)
        expect_operation(browser, f"Add a face to {name}")
        wait_for(browser, lambda n=str(number): find(browser, "#dir-faces").get_attribute("data-count") == n, "faces")
    return find(browser, "#dir-person").get_attribute("data-person")


def identified(browser) -> list[str]:
    return [
        item.get_attribute("data-best") for item in browser.find_elements(By.CSS_SELECTOR, "#identify-faces li.face")
    ]


def identify_in(browser, target: str, photo: Path | None = None) -> list[str]:
    """Identify ``photo`` (or the photo already chosen) against the target option ``target``; the best names."""
    settled(browser)  # the targets listed
    previous = browser.find_elements(By.CSS_SELECTOR, "#identify-faces li")
    wait_for(
        browser, lambda: browser.find_elements(By.CSS_SELECTOR, f'#identify-target option[value="{target}"]'), target
    )
    Select(find(browser, "#identify-target")).select_by_value(target)
    assert find(browser, "#identify-recognition").is_displayed()
    if photo:
        find(browser, "#identify-file").send_keys(str(photo))
    else:
        find(browser, "#identify-run").click()
    if previous:
        WebDriverWait(browser, TIMEOUT).until(staleness_of(previous[0]), message="the earlier answer replaced")
    wait_for(
        browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#identify-faces li.face"), f"identify in {target}"
    )
    no_error(browser)
    return identified(browser)


@pytest.mark.slow
def test_the_console_enrols_the_person_directory_and_identifies_in_it(browser, devhost, screenshots):
    browser.get(f"{devhost.endpoint}/face/console/")
    wait_for(browser, lambda: find(browser, "#key-state").text == "no key", "the console to load")
    use_key(browser, devhost.key)  # v1.2, which has no directory: directory calls go to v1.2-preview.1
    go(browser, "collections")
    open_directory(browser)
    assert find(browser, "#directory-version").text == "v1.2-preview.1"
    assert "no training step" in find(browser, "#directory").text.lower()

    # Persons created and enrolled from photos, each long-running operation followed to success.
    obama = enrol_directory_person(
        browser,
        "obama",
        [KNN_EXAMPLES / "train" / "obama" / "obama.jpg", KNN_EXAMPLES / "train" / "obama" / "obama2.jpg"],
    )
    assert "userData: obama2.jpg" in find(browser, "#dir-faces").text
    biden = enrol_directory_person(browser, "biden", [KNN_EXAMPLES / "train" / "biden" / "biden.jpg"])
    rose = enrol_directory_person(browser, "rose_leslie", [KNN_EXAMPLES / "train" / "rose_leslie" / "img1.jpg"])
    assert len({obama, biden, rose}) == 3
    browser.execute_script("document.getElementById('dir-person').scrollIntoView(true)")
    browser.save_screenshot(str(screenshots / "console-directory-person.png"))
    for person in (obama, biden, rose):
        assert browser.find_elements(By.CSS_SELECTOR, f'#dir-persons li[data-person="{person}"]')

    # Faces are kept per recognition model: none under recognition_03.
    Select(find(browser, "#dir-person-model")).select_by_visible_text("recognition_03")
    wait_for(browser, lambda: find(browser, "#dir-faces").get_attribute("data-count") == "0", "recognition_03's faces")
    Select(find(browser, "#dir-person-model")).select_by_visible_text("recognition_04")
    wait_for(browser, lambda: find(browser, "#dir-faces").get_attribute("data-count") == "1", "recognition_04's faces")

    # Rename a person.
    open_item(browser, f'#dir-persons li[data-person="{rose}"] button')
    find(browser, "#dir-person-name").clear()
    find(browser, "#dir-person-name").send_keys("rose")
    find(browser, "#dir-person-rename").click()
    wait_for(
        browser,
        lambda: find(browser, f'#dir-persons li[data-person="{rose}"]').get_attribute("data-name") == "rose",
        "renamed",
    )

    # An invalid group id: Azure's code and message in the banner.
    find(browser, "#dyn-new-id").send_keys("Not Valid!")
    find(browser, "#dyn-create").click()
    wait_for(browser, lambda: visible_error(browser), "the error banner")
    assert "400 BadArgument" in visible_error(browser)
    assert "Dynamic person group ID is invalid." in visible_error(browser)
    find(browser, "#dyn-new-id").clear()

    # A dynamic group: created, renamed, members added and one removed, each change followed.
    group = new_id("console-dyn")
    find(browser, "#dyn-new-id").send_keys(group)
    find(browser, "#dyn-new-name").send_keys("Console group")
    find(browser, "#dyn-create").click()
    wait_for(browser, lambda: find(browser, "#dyn-group").get_attribute("data-group") == group, "the group open")
    no_error(browser)
    find(browser, "#dyn-group-name").clear()
    find(browser, "#dyn-group-name").send_keys("Vice presidents")
    find(browser, "#dyn-group-rename").click()
    wait_for(browser, lambda: find(browser, "#dyn-group-title").text == f"Vice presidents ({group})", "the rename")
    for person, name in ((biden, "biden"), (rose, "rose")):
        Select(find(browser, "#dyn-member-choice")).select_by_value(person)
        find(browser, "#dyn-member-add").click()
        wait_for(
            browser,
            lambda p=person: browser.find_elements(By.CSS_SELECTOR, f'#dyn-members li[data-person="{p}"]'),
            name,
        )
        expect_operation(browser, f"Add {name} ({group})")
    find(browser, f'#dyn-members li[data-person="{rose}"] button').click()
    expect_operation(browser, f"Remove rose ({group})")
    wait_for(
        browser,
        lambda: not browser.find_elements(By.CSS_SELECTOR, f'#dyn-members li[data-person="{rose}"]'),
        "rose removed",
    )
    assert [li.get_attribute("data-person") for li in browser.find_elements(By.CSS_SELECTOR, "#dyn-members li")] == [
        biden
    ]

    # Delete a person (confirmed): its operation is followed and it leaves the list.
    open_item(browser, f'#dir-persons li[data-person="{rose}"] button')
    find(browser, "#dir-person-delete").click()
    browser.switch_to.alert.accept()
    expect_operation(browser, "Delete rose")
    wait_for(
        browser, lambda: not browser.find_elements(By.CSS_SELECTOR, f'#dir-persons li[data-person="{rose}"]'), "gone"
    )
    no_error(browser)
    browser.execute_script("document.getElementById('directory').scrollIntoView(true)")
    browser.save_screenshot(str(screenshots / "console-directory.png"))

    # Identify against the whole directory, then against the dynamic group (biden only).
    go(browser, "identify")
    whole = identify_in(browser, "directory/*", KNN_EXAMPLES / "test" / "obama_and_biden.jpg")
    assert {"obama", "biden"} <= set(whole), whole
    assert len(browser.find_elements(By.CSS_SELECTOR, "#identify-faces .candidate .bar")) >= 2
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(screenshots / "console-identify-directory.png"))
    in_group = identify_in(browser, f"dynamicpersongroups/{group}")
    assert "biden" in in_group and "obama" not in in_group, in_group
    browser.save_screenshot(str(screenshots / "console-identify-dynamic-group.png"))

    # Verify a photo against a directory person.
    wait_for(
        browser, lambda: browser.find_elements(By.CSS_SELECTOR, f'#verify-against option[value="{obama}"]'), "obama"
    )
    Select(find(browser, "#verify-against")).select_by_value(obama)
    assert not find(browser, "#verify-second").is_displayed()
    find(browser, "#verify-file-1").send_keys(str(KNN_EXAMPLES / "test" / "obama1.jpg"))
    find(browser, "#verify-run").click()
    wait_for(browser, lambda: find(browser, "#verify-result").is_displayed(), "the verification")
    no_error(browser)
    assert find(browser, "#verify-decision").text == "Same person (obama)"
    Select(find(browser, "#verify-against")).select_by_value(biden)
    find(browser, "#verify-run").click()
    wait_for(browser, lambda: find(browser, "#verify-decision").text.startswith("Different people"), "not biden")
    browser.execute_script("document.getElementById('verify-result').scrollIntoView(false)")
    browser.save_screenshot(str(screenshots / "console-verify-directory.png"))

    # A phone-sized screen: the directory fits.
    browser.set_window_size(*PHONE)
    go(browser, "collections")
    open_directory(browser)
    open_item(browser, f'#dir-persons li[data-person="{obama}"] button')
    assert find(browser, "#dir-faces").get_attribute("data-count") == "2"
    open_item(browser, f'#dyn-groups li[data-group="{group}"] button')
    assert find(browser, "#dyn-group").get_attribute("data-group") == group
    assert too_wide(browser) == []
    for part in ("directory", "dir-person", "dyn-group"):
        browser.execute_script(f"document.getElementById('{part}').scrollIntoView(true)")
        browser.save_screenshot(str(screenshots / f"console-{part}-phone.png"))

    go(browser, "identify")
    assert {"obama", "biden"} <= set(identify_in(browser, "directory/*"))
    assert too_wide(browser) == []
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(screenshots / "console-identify-directory-phone.png"))
    go(browser, "collections")
    open_directory(browser)
    open_item(browser, f'#dyn-groups li[data-group="{group}"] button')

    # The directory's calls went to the preview version; the group is deleted, its operation followed.
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")
    assert any("/face/v1.2-preview.1/operations/" in url for url in fetched)
    assert any("/face/v1.2-preview.1/identify" in url for url in fetched)
    find(browser, "#dyn-group-delete").click()
    browser.switch_to.alert.accept()
    expect_operation(browser, f"Delete {group}")
    wait_for(
        browser, lambda: not browser.find_elements(By.CSS_SELECTOR, f'#dyn-groups li[data-group="{group}"]'), "deleted"
    )
    with FaceClient(devhost.versioned_url("v1.2-preview.1"), devhost.key) as api:
        delete_persons(api, [obama, biden, rose])
