"""One extension per feature; each module's `setup(bot)` adds its cog."""
