"""Settings for every test run, unit tests and notebooks alike.

Smoke mode (tiny budgets), no downloads, no windows. They are set before anything
imports Keras, and the notebook kernels that nbval starts inherit them.
"""
import os

os.environ["GANKIT_SMOKE"] = "1"
os.environ["GANKIT_OFFLINE"] = "1"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["MPLBACKEND"] = "Agg"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
