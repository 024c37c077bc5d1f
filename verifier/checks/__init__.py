"""The checks of a report, one module per check id, in the order a report lists them.

===============  ===================================================================
``parse``        could the input be read, and as what (:mod:`.parse`)
``format``       does it follow the W3C VC Data Model (:mod:`.format`)
``context``      are its contexts pinned, and every term read as they define it
                 (:mod:`.context`, with the term gate of :mod:`verifier.terms`)
``proof``        is the content exactly what was signed (:mod:`.proof`)
``issuer``       does the signing key belong to the issuer (:mod:`.issuer`)
``validity``     is it inside its validity period (:mod:`.validity`)
``status``       has the issuer revoked or suspended it (:mod:`.status`)
``trust``        is the issuer on the user's trust list (:mod:`.trust`)
``openbadges``   does it follow the Open Badges rules (:mod:`.openbadges`)
``presentation`` does a presentation answer this request, once, by its holder
                 (:mod:`.presentation`)
``disclosure``   which claims an SD-JWT VC reveals, and to whom (:mod:`.disclosure`)
===============  ===================================================================

Each module holds the decision of its check for every form the verifier reads (a JSON-LD
credential, a VC-JWT, an SD-JWT VC, an Open Badges 2.0 assertion), and returns the check's
:class:`~verifier.report.CheckResult`: passed, failed, ``error`` ("could not check") or skipped,
and why. What the checks read is found out below them: proofs and keys (:mod:`verifier.proofs`),
tokens (:mod:`verifier.vc_jwt`, :mod:`verifier.sdjwt`), hosted badges (:mod:`verifier.ob2`),
status lists (:mod:`verifier.status`), trust lists (:mod:`verifier.trust`). :mod:`.results` is
how every check states a result. Which checks run, in which order, for which form, is the
orchestrator's: :class:`verifier.verification.Verifier`.
"""
