"""The demo company: a deterministic B2B SaaS funnel, written as files and ingested."""

from revalign.demo.run import DEFAULT_LEADS, DEFAULT_SEED, DemoReport, build_demo

__all__ = ["DEFAULT_LEADS", "DEFAULT_SEED", "DemoReport", "build_demo"]
