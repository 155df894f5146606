"""A Prev/More pager over one-embed pages; only the person who asked can turn its pages."""
from __future__ import annotations

import logging

import discord

from bot.discord import render

log = logging.getLogger("podbot.discord")
NO_MENTIONS = discord.AllowedMentions.none()


class Paginator(discord.ui.View):
    def __init__(self, pages: list[discord.Embed], owner_id: int, *, timeout: float = 900.0):
        super().__init__(timeout=timeout)
        if not pages:
            raise ValueError("a paginator needs at least one page")
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.Message | None = None
        self._sync()

    @property
    def page(self) -> discord.Embed:
        return self.pages[self.index]

    def _sync(self) -> None:
        self.prev_page.disabled = self.index <= 0
        self.next_page.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to whoever asked. Run the command yourself to browse your own copy.",
            ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync()
        await interaction.response.edit_message(embed=self.page, view=self, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="Prev", style=discord.ButtonStyle.secondary)
    async def prev_page(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="More", style=discord.ButtonStyle.primary)
    async def next_page(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException:
                pass

    async def on_error(self, interaction: discord.Interaction, error: Exception, item) -> None:
        from bot.discord.errors import log_failure, tell

        log_failure("page button", error, interaction.user.id)
        await tell(interaction, render.notice("Sorry, I couldn't turn the page."))


async def send_pages(interaction: discord.Interaction, pages: list[discord.Embed], *,
                     content: str | None = None, edit_original: bool = False) -> discord.Message:
    """Send pages as one message (with the pager when there is more than one page)."""
    kwargs: dict = {"embed": pages[0], "allowed_mentions": NO_MENTIONS}
    view = Paginator(pages, interaction.user.id) if len(pages) > 1 else None
    if view is not None:
        kwargs["view"] = view
    if edit_original:
        message = await interaction.edit_original_response(content=content, **kwargs)
    else:
        if content:
            kwargs["content"] = content
        message = await interaction.followup.send(wait=True, **kwargs)
    interaction.extras["podbot_sent"] = True
    if view is not None:
        view.message = message
    return message
