"""The live widgets in a real JupyterLab and a real browser: the picture changes when a
student moves a slider and presses a button, and pause works while training runs.

Both tests use the playground lesson, run down to its playground (once per module:
starting a kernel and TensorFlow is the slow part)."""
import time

import pytest

LESSON = "08_playground.ipynb"
VIEW = ".gankit-playground-view"
STATUS = ".gankit-playground-status"


@pytest.fixture(scope="module")
def lesson(lab):
    """The playground lesson open in JupyterLab, run down to the playground's cell."""
    lab.open(LESSON)
    lab.run_through("gankit.Playground(")
    return lab


def _wait_for_new_src(lab, selector, old, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        src = lab.image(selector)
        if src and src != old:
            return src
        time.sleep(0.1)
    raise AssertionError(f"the picture {selector} did not change within {timeout} s")


def _text(lab, selector):
    return lab.page.locator(selector).first.inner_text()


def _wait_text(lab, selector, pattern, timeout=20):
    lab.page.wait_for_function(
        f"() => /{pattern}/.test(document.querySelector('{selector}').innerText)",
        timeout=timeout * 1000)


def test_playground_slider_and_buttons_change_the_picture(lesson):
    page = lesson.page
    view = page.locator(VIEW).first
    view.wait_for(state="visible", timeout=30_000)
    src, shot = lesson.image(VIEW), view.screenshot()
    assert src and "D lr 1.0e-03" in _text(lesson, STATUS)

    # Drag the D learning-rate slider with the mouse: the kernel hears it at once.
    handle = page.locator(".gankit-control-d-lr .noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    _wait_text(lesson, STATUS, "D learning rate now")
    assert "D lr 1.0e-03" not in _text(lesson, STATUS)

    # Step both: one more training step, a new picture.
    steps_before = _text(lesson, STATUS).split("·")[0]
    page.locator(".gankit-button-step-both").first.click()
    src = _wait_for_new_src(lesson, VIEW, src)
    _wait_text(lesson, STATUS, "stepped D and G")
    assert _text(lesson, STATUS).split("·")[0] != steps_before
    assert view.screenshot() != shot

    # Play: frames keep coming while the kernel is idle; pause stops them.
    page.locator(".gankit-button-play").first.click()
    src = _wait_for_new_src(lesson, VIEW, src)
    src = _wait_for_new_src(lesson, VIEW, src)
    page.locator(".gankit-button-pause").first.click()
    _wait_text(lesson, STATUS, "paused")
    held = lesson.image(VIEW)
    time.sleep(1.0)
    assert lesson.image(VIEW) == held, "the picture kept changing after pause"


def test_training_panel_pause_works_while_fit_runs(lesson):
    """``await panel.fit(...)`` keeps the kernel answering: pause holds the step count,
    resume and stop work, and the cell then finishes."""
    first = lesson.add_cell(
        "pts = gankit.ring8(4096, seed=0)\n"
        "g = gankit.mlp_generator(2, (2,), hidden=(32,), output_activation=None)\n"
        "small = gankit.GAN(g, gankit.mlp_discriminator((2,), hidden=(32,)), seed=0)\n"
        "panel = gankit.TrainingPanel(small, real=pts, every=0.3)\n"
        "panel.show()")
    second = lesson.add_cell(
        "budget = gankit.TimeBudget(minutes=2)\n"
        "history = await panel.fit(pts, batch_size=128, epochs=100_000, callbacks=[budget])\n"
        "print('finished after', panel.step, 'steps')")
    lesson.run_cell(first)
    lesson.wait_cell(first)
    page = lesson.page
    status, view = ".gankit-panel-status", ".gankit-panel-view"
    before = lesson.image(view)
    lesson.run_cell(second)                          # fit runs; the cell awaits it
    _wait_text(lesson, status, "step [1-9]", timeout=60)
    _wait_for_new_src(lesson, view, before)
    page.locator(".gankit-panel-pause").first.click()
    _wait_text(lesson, status, "paused")
    held = _text(lesson, status)
    time.sleep(1.5)
    assert _text(lesson, status) == held, "steps went on while paused"
    page.locator(".gankit-panel-resume").first.click()
    page.wait_for_function(
        f"() => document.querySelector('{status}').innerText !== {held!r}", timeout=20_000)
    page.locator(".gankit-panel-stop").first.click()
    lesson.wait_cell(second, timeout=30)
    assert "finished after" in page.locator(".jp-OutputArea-output").last.inner_text()
