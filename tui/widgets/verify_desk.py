"""The district's verify desk: open a file or paste text, see the report as a checklist.

Verification runs in a worker thread, so a slow status list or DID document never freezes the
screen; the check list appears when the answer is in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, LoadingIndicator, Static, TextArea

from verifier.errors import VCError
from verifier.report import VerificationReport
from verifier.trust import TrustList

from ..dialogs.error import ErrorDialog
from .report_view import ReportView

MAX_FILE = 8 * 1024 * 1024


class VerifyDesk(Widget):
    """Path or pasted text in; a report out. Challenge/domain for presentations; a trust list."""

    DEFAULT_CSS = """
    VerifyDesk { layout: vertical; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.trust_list: TrustList | None = None
        self.last_report: VerificationReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="desk-form"):
            with Horizontal(classes="row"):
                yield Label("File", classes="field-label")
                yield Input(placeholder="path to a badge (.json, .png, .svg, .jwt) or a presentation",
                            id="desk-path")
                yield Button("Verify", id="desk-verify", variant="primary")
            with Horizontal(classes="row"):
                yield Label("Challenge", classes="field-label")
                yield Input(placeholder="for presentations: the challenge you sent", id="desk-challenge")
                yield Label("Domain", classes="field-label short")
                yield Input(placeholder="your domain", id="desk-domain")
            with Horizontal(classes="row"):
                yield Label("Trust list", classes="field-label")
                yield Input(placeholder="path to a trust list (optional)", id="desk-trust")
                yield Button("Load", id="desk-load-trust")
            yield Static("Or paste a credential or token below and press Verify.", classes="hint")
            yield TextArea(id="desk-paste", soft_wrap=True)
            yield Static("", id="desk-trust-status", classes="hint")
        yield LoadingIndicator(id="desk-busy")
        yield ReportView(id="desk-report")

    def on_mount(self) -> None:
        self.query_one("#desk-busy").display = False
        services = getattr(self.app, "services", None)
        if services is not None and services.trust_list is not None:
            self.trust_list = services.trust_list
            self._show_trust()

    def _show_trust(self) -> None:
        text = (f"Trust list: {self.trust_list.name} ({len(self.trust_list.issuers)} issuers)"
                if self.trust_list else "No trust list: issuers are identified but not vouched for.")
        self.query_one("#desk-trust-status", Static).update(text)

    @on(Button.Pressed, "#desk-load-trust")
    def load_trust(self) -> None:
        path = self.query_one("#desk-trust", Input).value.strip()
        try:
            self.trust_list = TrustList.load(Path(path).expanduser())
        except (OSError, VCError) as exc:
            self.app.push_screen(ErrorDialog.from_error("Could not load the trust list", exc))
            return
        self._show_trust()

    @on(Input.Submitted, "#desk-path")
    @on(Button.Pressed, "#desk-verify")
    def verify(self) -> None:
        path = self.query_one("#desk-path", Input).value.strip()
        pasted = self.query_one("#desk-paste", TextArea).text.strip()
        if path:
            try:
                file = Path(path).expanduser()
                if file.stat().st_size > MAX_FILE:
                    raise OSError(f"{file} is larger than {MAX_FILE // (1024 * 1024)} MiB")
                data: bytes = file.read_bytes()
            except OSError as exc:
                self.app.push_screen(ErrorDialog("Cannot read the file", str(exc)))
                return
            label = path
        elif pasted:
            data, label = pasted.encode("utf-8"), "pasted text"
        else:
            self.app.push_screen(ErrorDialog("Nothing to verify",
                                             "Give a file path or paste a credential first."))
            return
        challenge = self.query_one("#desk-challenge", Input).value.strip() or None
        domain = self.query_one("#desk-domain", Input).value.strip() or None
        self.query_one("#desk-busy").display = True
        self.run_verification(data, label, challenge, domain)

    @work(thread=True, exclusive=True, group="desk")
    def run_verification(self, data: bytes, label: str, challenge: str | None,
                         domain: str | None) -> None:
        verifier = self.app.services.make_verifier(self.trust_list)  # type: ignore[attr-defined]
        is_vp = b"VerifiablePresentation" in data[:4096] and data.lstrip()[:1] == b"{"
        if is_vp or challenge or domain:
            report = verifier.verify_presentation(data, challenge=challenge, domain=domain, label=label)
        else:
            report = verifier.verify_credential(data, label=label)
        self.app.call_from_thread(self._show, report)

    def _show(self, report: VerificationReport) -> None:
        self.last_report = report
        self.query_one("#desk-busy").display = False
        view = self.query_one("#desk-report", ReportView)
        view.show_report(report)
        view.focus()
