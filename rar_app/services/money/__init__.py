"""Fees and payments."""
