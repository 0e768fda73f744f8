"""gankit.failures: each failure of lesson 09 in its setting, then its remedies, measured the
same way (lesson 09's "Each failure, fixed", benchmarks/failures_fixed.py)."""
import numpy as np
import pytest

import gankit
from gankit import failures, recipes


def test_every_setting_and_remedy_builds_the_gan_it_names():
    """Each remedy lands on the setting: the keywords reach toy_gan and change the GAN."""
    for failure, spec in failures.FIXES.items():
        assert spec["signature"] and spec["steps"] > 0, failure
        base = recipes.toy_gan(0, "ring8", **spec["setting"])
        for name, remedy in spec["remedies"].items():
            gan = recipes.toy_gan(0, "ring8", **{**spec["setting"], **remedy})
            changed = {k for k in ("pack", "ema", "instance_noise", "label_smoothing")
                       if getattr(gan, k, None) != getattr(base, k, None)}
            lr = float(gan.g_optimizer.learning_rate.numpy()), float(
                gan.d_optimizer.learning_rate.numpy())
            base_lr = float(base.g_optimizer.learning_rate.numpy()), float(
                base.d_optimizer.learning_rate.numpy())
            assert (changed or lr != base_lr or gan.loss_pair.name != base.loss_pair.name
                    or gan.discriminator.count_params() != base.discriminator.count_params()), \
                f"{failure}: remedy {name!r} changes nothing"


def test_is_fixed_reads_every_part_of_the_signature():
    ok = {"busiest": 0.14, "off_ring": 0.02, "movement": 0.05, "d_fake": 0.3}
    for failure in failures.FIXES:
        assert failures.is_fixed(failure, ok), failure
    assert not failures.is_fixed("mode collapse", {**ok, "busiest": 0.9})
    # oscillation asks for both: settled, and on the ring (an averaged G can sit still inside it)
    assert not failures.is_fixed("oscillation", {**ok, "off_ring": 0.8})
    assert not failures.is_fixed("oscillation", {**ok, "movement": 1.2})
    assert not failures.is_fixed("D overpowers G", {**ok, "d_fake": 0.02})
    assert failures.signature_text("oscillation") == "movement <= 0.15 and off_ring <= 0.1"
    with pytest.raises(gankit.UnknownNameError, match="Did you mean 'mode collapse'"):
        failures.is_fixed("mode colapse", ok)


def test_watch_returns_the_numbers_of_lesson_09s_table():
    row = failures.watch(failures.TIPPED, seed=0, steps=40, every=20)
    assert row["steps"] == 40
    assert 0 <= row["modes"] <= 8 and 0 <= row["quality"] <= 100
    assert 1 / 8 <= row["busiest"] <= 1
    assert row["movement"] >= 0 and row["off_ring"] >= 0 and row["hops"] >= 0
    assert 0 <= row["d_real"] <= 1 and 0 <= row["d_fake"] <= 1
    assert row["samples"].shape == (500, 2)
    # the same seed, the same run
    again = failures.watch(failures.TIPPED, seed=0, steps=40, every=20)
    np.testing.assert_allclose(again["samples"], row["samples"], atol=1e-5)


def test_sweep_gives_one_cell_per_rate_and_d_steps_and_counts_a_nan_run_as_nothing():
    modes, quality = failures.sweep(seed=0, steps=5, lrs=(1e-3, 1e9), d_steps=(1, 2))
    assert modes.shape == quality.shape == (2, 2)
    assert (modes[0] >= 0).all() and (modes[0] <= 8).all()
    assert (modes[1] == 0).all() and (quality[1] == 0).all()   # a rate of 1e9 blows up


def test_a_collapsing_setting_shows_its_signature_and_packing_removes_it():
    """The claim lesson 09 makes, on one seed and a short budget: the tipped ring GAN puts
    most samples by one mode; packed, the same GAN spreads them."""
    tipped = failures.watch(failures.TIPPED, seed=0, steps=600)
    packed = failures.watch({**failures.TIPPED, "pack": 2}, seed=0, steps=600)
    assert tipped["busiest"] > 0.4, tipped["busiest"]
    assert failures.is_fixed("mode collapse", packed), packed["busiest"]


def test_watch_fixes_trains_each_shared_setting_once_and_names_every_arm(monkeypatch):
    """Collapse and oscillation share the tipped setting, vanishing gradients and D overpowers
    G the strong-D one: each setting is trained once per seed, every remedy once, and a run
    that turned to NaN (None) is left out of its arm."""
    calls = []

    def fake_watch(options, seed, steps):
        calls.append((repr(sorted(options.items())), seed, steps))
        return None if seed == 1 and options == failures.TIPPED else {"seed": seed}

    monkeypatch.setattr(failures, "watch", fake_watch)
    watched = failures.watch_fixes(seeds=(0, 1), steps=7)
    assert list(watched) == list(failures.FIXES)
    for failure, arms in watched.items():
        assert list(arms) == [failures.SETTING, *failures.FIXES[failure]["remedies"]]
    remedies = sum(len(spec["remedies"]) for spec in failures.FIXES.values())
    assert len(calls) == 2 * (2 + remedies) and len(set(calls)) == len(calls)
    assert {steps for _, _, steps in calls} == {7}
    assert watched["mode collapse"][failures.SETTING] == [{"seed": 0}]   # seed 1 was NaN
    assert watched["oscillation"][failures.SETTING] is not watched["vanishing gradients"][
        failures.SETTING]
    assert watched["D overpowers G"][failures.SETTING] == [{"seed": 0}, {"seed": 1}]
