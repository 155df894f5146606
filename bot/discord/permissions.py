"""Who may change the library: members with Manage Server, or with the configured PODBOT_ADMIN_ROLE."""
from __future__ import annotations

import discord
from discord import app_commands


class NotAllowed(app_commands.CheckFailure):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_manage(interaction: discord.Interaction) -> bool:
    """True for Manage Server (or Administrator) in this channel, or the configured admin role (name or id)."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator:
        return True
    settings = getattr(getattr(interaction.client, "app", None), "settings", None)
    wanted = (getattr(settings, "podbot_admin_role", None) or "").strip()
    if not wanted:
        return False
    wanted_folded = wanted.lstrip("@").casefold()
    return any(role.name.casefold() == wanted_folded or str(role.id) == wanted for role in member.roles)


def refusal(interaction: discord.Interaction, what: str) -> str:
    settings = getattr(getattr(interaction.client, "app", None), "settings", None)
    role = getattr(settings, "podbot_admin_role", None)
    who = "members with the **Manage Server** permission"
    if role:
        who += f" or the **{discord.utils.escape_markdown(role)}** role"
    return f"Sorry, only {who} can {what}. Ask a moderator if you think this episode should be added or removed."


def manager_only(what: str):
    """An app-command check that politely refuses everyone who may not manage the library."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if may_manage(interaction):
            return True
        raise NotAllowed(refusal(interaction, what))

    return app_commands.check(predicate)
