"""Test-only programs, registered in a running portal with RAR_EXTRA_PROGRAMS (refused in production)."""
