"""The version of podcast: part of every render key, so a new version renders anew."""

__version__ = "0.1.0"
