"""PostgreSQL with the stall guard (see `gonghui.core.stallguard`)."""
