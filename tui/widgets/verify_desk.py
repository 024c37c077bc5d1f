"""The district's verify desk: open a file or paste text, see the report as a checklist.

Verification runs in a worker thread, so a slow status list or DID document never freezes the
screen; the check list appears when the answer is in. For a presentation the clerk types the
challenge and domain they sent, or loads them from the request file they sent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea
from textual.worker import Worker

from vcwallet.request_format import load_request, request_binding
from verifier.checks.presentation import not_an_answer
from verifier.errors import VCError
from verifier.rendering import safe_text
from verifier.report import VerificationReport, internal_error_report
from verifier.trust import TrustList
from verifier.verification import Verifier

from ..dialogs.file_picker import FilePicker
from ..dialogs.worker_errors import show_worker_error
from ..messages import Ask, ShowError
from ..services import AppServices
from .report_view import ReportView

MAX_FILE = 8 * 1024 * 1024


def read_input_file(path: Path) -> bytes:
    """A file the clerk named, refusing anything too large to be a credential."""
    if path.stat().st_size > MAX_FILE:
        raise VCError("parse.input_too_large", f"{path.name} is larger than {MAX_FILE // (1024 * 1024)} MiB")
    return path.read_bytes()


def looks_like_presentation(data: bytes) -> bool:
    head = data[:4096]
    return data.lstrip()[:1] == b"{" and b"VerifiablePresentation" in head


class VerifyDesk(Widget):
    """Path or pasted text in; a report out. Challenge/domain for presentations; a trust list."""

    BINDINGS = [
        Binding("o", "open_file", "Open file"),
        Binding("r", "open_request", "Load request"),
        Binding("t", "open_trust", "Trust list"),
        Binding("escape", "leave_field", "Leave the field", show=False),
    ]
    DEFAULT_CSS = """
    VerifyDesk { layout: vertical; }
    """

    def __init__(self, services: AppServices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.trust_list: TrustList | None = None
        self.last_report: VerificationReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="desk-form"):
            with Horizontal(classes="row"):
                yield Label("File", classes="field-label")
                yield Input(placeholder="path to a badge (.json .png .svg .jwt .sd-jwt) or a presentation",
                            id="desk-path", compact=True)
                yield Button("Verify", id="desk-verify", variant="primary", compact=True)
            with Horizontal(classes="row"):
                yield Label("Challenge", classes="field-label")
                yield Input(placeholder="for a presentation: the challenge you sent", id="desk-challenge",
                            compact=True)
                yield Label("Domain", classes="field-label short")
                yield Input(placeholder="your domain", id="desk-domain", compact=True)
                yield Button("Request…", id="desk-request", compact=True)
            with Horizontal(classes="row"):
                yield Label("Trust list", classes="field-label")
                yield Input(placeholder="path to a trust list (optional)", id="desk-trust", compact=True)
                yield Button("Load", id="desk-load-trust", compact=True)
            yield TextArea(id="desk-paste", soft_wrap=True, compact=True,
                           placeholder="…or paste a credential, token or presentation here and press Verify.")
            yield Static("", id="desk-trust-status", classes="hint")
        yield ReportView(id="desk-report")

    def on_mount(self) -> None:
        self.query_one("#desk-report").border_title = "Report"
        self.trust_list = self.services.trust_list
        self._show_trust()

    def focus_first(self) -> None:
        """Where ``tab`` lands: the report, so the desk's keys (and ``?``, ``q``) work at once."""
        self.query_one("#desk-report", ReportView).focus()

    def action_leave_field(self) -> None:
        self.focus_first()

    def _show_trust(self) -> None:
        text = (f"Trust list ({len(self.trust_list.issuers)} issuers): {safe_text(self.trust_list.name)}"
                if self.trust_list else "No trust list: issuers are identified but not vouched for.")
        self.query_one("#desk-trust-status", Static).update(Text(text))

    def _error(self, title: str, exc: BaseException) -> None:
        self.query_one("#desk-report", ReportView).loading = False
        self.post_message(ShowError(title, exc))

    def _pick(self, title: str, start: Path, then: Callable[[Path], None]) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                then(path)

        self.post_message(Ask(FilePicker(self.services, start, title=title, files_only=True), chosen))

    # -- trust list ----------------------------------------------------------------------------
    def action_open_trust(self) -> None:
        def load(path: Path) -> None:
            self.query_one("#desk-trust", Input).value = self.services.show_path(path)
            self.load_trust()

        self._pick("Load a trust list", self.services.start_dir, load)

    @on(Input.Submitted, "#desk-trust")
    @on(Button.Pressed, "#desk-load-trust")
    def load_trust(self) -> None:
        text = self.query_one("#desk-trust", Input).value.strip()
        if not text:
            self.notify("Type the path of a trust list first (or press t to pick one).", severity="warning")
            return
        try:
            self.trust_list = TrustList.load(self.services.read_path(text))
        except (OSError, VCError) as exc:
            self._error("Could not load the trust list", exc)
            return
        self._show_trust()

    # -- the request a presentation must answer ------------------------------------------------
    def action_open_request(self) -> None:
        self._pick("The request you sent (for its challenge and domain)",
                   self.services.requests_dir or self.services.start_dir, self.load_request)

    @on(Button.Pressed, "#desk-request")
    def request_button(self) -> None:
        self.action_open_request()

    def load_request(self, path: Path) -> None:
        try:
            challenge, domain = request_binding(load_request(read_input_file(path)))
        except (OSError, VCError) as exc:
            self._error("Cannot use this request", exc)
            return
        self.query_one("#desk-challenge", Input).value = challenge
        self.query_one("#desk-domain", Input).value = domain

    # -- verifying ------------------------------------------------------------------------------
    def action_open_file(self) -> None:
        def chosen(path: Path) -> None:
            self.query_one("#desk-path", Input).value = self.services.show_path(path)
            self.verify()

        self._pick("Verify a credential, presentation or baked image", self.services.start_dir, chosen)

    @on(Input.Submitted, "#desk-path")
    @on(Button.Pressed, "#desk-verify")
    def verify(self) -> None:
        text = self.query_one("#desk-path", Input).value.strip()
        pasted = self.query_one("#desk-paste", TextArea).text.strip()
        if text:
            path = self.services.read_path(text)
            try:
                data = read_input_file(path)
            except (OSError, VCError) as exc:
                self._error("Cannot read the file", exc)
                return
            label = path.name
        elif pasted:
            data, label = pasted.encode("utf-8"), "pasted text"
        else:
            self.notify("Give a file path (o picks one) or paste a credential first.", severity="warning")
            return
        challenge = self.query_one("#desk-challenge", Input).value.strip() or None
        domain = self.query_one("#desk-domain", Input).value.strip() or None
        self.query_one("#desk-report", ReportView).loading = True
        self.run_verification(data, label, challenge, domain)

    @work(thread=True, exclusive=True, group="desk", exit_on_error=False)
    def run_verification(self, data: bytes, label: str, challenge: str | None,
                         domain: str | None) -> None:
        """The desk's per-input boundary: whatever raises while verifying this input becomes its
        ``internal.error`` report on screen (design rule: no bare ``except Exception`` outside
        the per-input boundaries), so the clerk can go on with the next one. A verifier that
        cannot be built is no fault of the input: that one shows the error dialog."""
        verifier = self.services.verifier(self.trust_list)
        try:
            report = self._verify(verifier, data, label, challenge, domain)
        except Exception as exc:  # noqa: BLE001 - the per-input boundary, see above
            report = internal_error_report(label, exc)
        self.app.call_from_thread(self._show, report)

    @staticmethod
    def _verify(verifier: Verifier, data: bytes, label: str, challenge: str | None,
                domain: str | None) -> VerificationReport:
        text = data.decode("utf-8", "replace").strip() if data[:1] != b"\x89" else ""
        if looks_like_presentation(data):
            report = verifier.verify_presentation(data, challenge=challenge, domain=domain, label=label)
        elif (challenge or domain) and "~" in text and not text.startswith(("{", "<")):
            # An SD-JWT presented with key binding: the challenge is its nonce, the domain its audience.
            report = verifier.verify_sd_jwt(text, nonce=challenge, audience=domain, label=label)
        else:
            report = verifier.verify_credential(data, label=label)
            if challenge or domain:  # a bare credential cannot answer the request
                report = not_an_answer(report)
        if not isinstance(report, VerificationReport):
            raise TypeError(f"the verifier answered a {type(report).__name__}, not a report")
        return report

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        if show_worker_error(self, event, "Verification failed"):
            self.query_one("#desk-report", ReportView).loading = False

    def _show(self, report: VerificationReport) -> None:
        self.last_report = report
        view = self.query_one("#desk-report", ReportView)
        view.loading = False
        view.show_report(report)
        view.focus()
        self.app.refresh_bindings()  # focus may come back to the same widget: redraw the footer
