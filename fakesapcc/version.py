"""fakesapcc's version, written once: ``fakesapcc.__version__``, the wheel's metadata
(pyproject.toml reads it) and ``fakesapcc --version`` all take it from here."""
__version__ = "0.1.0"
