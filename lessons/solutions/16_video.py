"""Lesson 16, worked solutions. Try each exercise in the lesson first, then compare.

Each ``exercise_N()`` returns what the lesson's check cell takes; ``mistake_N()`` a typical
wrong answer that the check refuses (the tests run both: tests/test_exercises.py).
"""
import numpy as np

import gankit
from gankit import video


# --- Exercise 1: motion statistics, written out ---------------------------------------------

def motion(clips):
    centres = video.centres_of_mass(clips)              # (N, T, 2): where the sprite is
    velocity = np.diff(centres, axis=1)                  # (N, T-1, 2): displacement per frame
    acceleration = np.diff(velocity, axis=1)             # (N, T-2, 2): change of the *vector*
    speed = np.linalg.norm(velocity, axis=-1).mean()
    accel = np.linalg.norm(acceleration, axis=-1).mean()
    return speed, accel, accel / speed                   # relative: not won by moving slowly


def exercise_1():
    clips = gankit.bouncing_sprites(gankit.pick(full=500, smoke=64), seed=1)
    speed, accel, relative = motion(clips)
    print(f"real clips: speed {speed:.2f} px/frame, acceleration {accel:.2f}, "
          f"relative {relative:.2f}")
    return (motion,)


def mistake_1():
    def motion_by_speed(clips):
        velocity = np.diff(video.centres_of_mass(clips), axis=1)
        speeds = np.linalg.norm(velocity, axis=-1)
        accel = np.abs(np.diff(speeds, axis=1)).mean()   # a bounce keeps the speed: missed
        return speeds.mean(), accel, accel / speeds.mean()
    return (motion_by_speed,)
