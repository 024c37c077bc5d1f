"""The holder's use cases: what the command line, the terminal app (and the coming server) call.

Each is a function that takes plain values and an open wallet, applies the rules every front
end must share, and returns a frozen dataclass; none prints, prompts or writes where the user did
not say. The front ends only turn input into arguments and results into lines or screens.

``open_wallet``  unlock, create, change the passphrase (the rules: :mod:`vcwallet.passphrases`)
``present``      open a request, the caution to confirm, make the presentation
``share``        LinkedIn link, HTML page, bake (what may be baked), unbake, the caution to confirm
``safety``       back up, restore into a wallet or into a new one

Import the module you need (``from vcwallet.usecases.share import bake_badge``); this package
loads nothing by itself.
"""
