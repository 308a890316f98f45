"""The approval workflow assembled: signer, notifier, decisions and sweeper, over one store.

``Workflow`` is what the web pages, the CLI and the relay share. The composition root
(``runtime/relay.py``) builds one per relay process, whether or not that process serves the
web side, hands its ``on_stored`` to intake (so every process that stores a hold announces it)
and runs its sweeper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mailguard.core.clock import Clock
from mailguard.core.config import Config
from mailguard.core.lifecycle import State
from mailguard.inspection.policy.addresses import Aliases
from mailguard.inspection.policy.model import Policy
from mailguard.workflow.approval.decisions import Decisions
from mailguard.workflow.approval.keyfile import load_secret_key
from mailguard.workflow.approval.routing import People, Roster
from mailguard.workflow.approval.sweeper import Sweeper
from mailguard.workflow.approval.tokens import TokenSigner
from mailguard.workflow.notify.notifier import ApprovalNotifier
from mailguard.workflow.ports.store import NewMessage, Store


class Workflow:
    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Clock,
        wake: Callable[[], None],
        policy: Callable[[], Policy | None],
        signer: TokenSigner | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.roster = Roster(
            people=lambda: _people(policy(), config),
            admins=lambda: _admins(policy(), config),
        )
        self.signer = signer or TokenSigner(
            load_secret_key(config), ttl_seconds=config.web.link_ttl_seconds, clock=clock
        )
        self.notifier = ApprovalNotifier(
            store,
            config=config,
            signer=self.signer,
            roster=self.roster,
            clock=clock,
            wake=wake,
        )
        self.decisions = Decisions(
            store, clock=clock, wake=wake, roster=self.roster, listener=self.notifier
        )
        self.sweeper = Sweeper(
            store,
            self.decisions,
            self.notifier,
            clock=clock,
            interval=config.approval.sweep_seconds,
        )

    async def on_stored(self, message: NewMessage) -> None:
        """The relay's hook after a message is committed: start its approval or delay."""
        if message.state is State.HELD:
            await self.notifier.held(message.id)
        elif message.state is State.DELAYED:
            await self.notifier.delayed(message.id)


def _people(policy: Policy | None, config: Config) -> People:
    return People(policy.aliases if policy else Aliases(), config.smtp.aliases)


def _admins(policy: Policy | None, config: Config) -> Sequence[str]:
    return (*(policy.admins if policy else ()), *config.notify.admins)
