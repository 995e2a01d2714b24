"""What the documents service answers when it says no: `DocumentRefused` (a code,
the form field, texts in both languages) for a file that cannot be accepted, the
warnings an accepted upload may carry, and `NotFound` for an unknown, deleted or
foreign id (deliberately indistinguishable)."""

from __future__ import annotations

from typing import Any

# What the documents services raise when the store cannot be reached (pages catch it from here).
from rar_app.storage import StorageUnavailable  # noqa: F401

# ---------------------------------------------------------------------------
# Messages (French first: the portal's default language)

_REFUSALS: dict[str, tuple[str, str]] = {
    "frozen": (
        "Cette demande est signée ou soumise\u00a0: ses documents ne peuvent plus être modifiés. Seuls les "
        "documents demandés par IRCC peuvent encore être ajoutés.",
        "This application is signed or submitted: its documents can no longer be changed. Only documents "
        "requested by IRCC can still be added.",
    ),
    "empty": ("Le fichier est vide.", "The file is empty."),
    "too_large": (
        "Le fichier dépasse la taille maximale permise ({limit_fr}). Réduisez-le (par exemple en le "
        "numérisant à une résolution plus faible), puis téléversez-le de nouveau.",
        "The file is larger than the maximum allowed ({limit_en}). Make it smaller (for example by "
        "scanning it at a lower resolution), then upload it again.",
    ),
    "unsupported_type": (
        "Ce type de fichier n’est pas accepté. Formats acceptés\u00a0: {formats}.",
        "This type of file is not accepted. Accepted formats: {formats}.",
    ),
    "word_document": (
        "Les documents Word ne sont pas acceptés. Enregistrez le document en PDF, puis téléversez le PDF.",
        "Word documents are not accepted. Save the document as a PDF, then upload the PDF.",
    ),
    "heic_image": (
        "Les photos HEIC ne sont pas acceptées. Enregistrez la photo en JPEG, puis téléversez-la de nouveau.",
        "HEIC photos are not accepted. Save the photo as a JPEG, then upload it again.",
    ),
    "pdf_encrypted": (
        "Ce PDF est protégé par un mot de passe ou chiffré. Enregistrez-en une copie sans protection, "
        "puis téléversez cette copie.",
        "This PDF is password-protected or encrypted. Save a copy without protection, then upload that copy.",
    ),
    "pdf_broken": (
        "Ce PDF est endommagé ou incomplet et ne peut pas être lu. Créez-le de nouveau, puis téléversez-le.",
        "This PDF is damaged or incomplete and cannot be read. Create it again, then upload it.",
    ),
    "image_broken": (
        "Cette image est endommagée ou incomplète. Enregistrez-la de nouveau, puis téléversez-la.",
        "This image is damaged or incomplete. Save it again, then upload it.",
    ),
    "too_many_files": (
        "Ce document compte déjà le nombre maximal de fichiers ({limit}). Supprimez un fichier avant "
        "d’en ajouter un autre.",
        "This document already has the maximum number of files ({limit}). Delete a file before adding another.",
    ),
    "duplicate_in_slot": (
        "Ce fichier a déjà été téléversé pour ce document.",
        "This file has already been uploaded for this document.",
    ),
    "invalid_slot": (
        "Ce type de document n’est pas reconnu.",
        "This type of document is not recognized.",
    ),
    "upload_interrupted": (
        "Le téléversement a été interrompu. Réessayez.",
        "The upload was interrupted. Please try again.",
    ),
}

_WARNINGS: dict[str, tuple[str, str]] = {
    "duplicate_in_application": (
        "Le même fichier a déjà été téléversé ailleurs dans cette demande. Vérifiez qu’il s’agit du bon document.",
        "The same file has already been uploaded elsewhere in this application. Check that it is the right document.",
    ),
}


def _size_label(n: int, lang: str) -> str:
    """4194304 → "4 Mo" / "4 MB"; 1572864 → "1,5 Mo" / "1.5 MB"; 2000 → "2 ko" / "2 KB"."""
    if n >= 1024 * 1024:
        value, unit = n / (1024 * 1024), ("Mo" if lang == "fr" else "MB")
    else:
        value, unit = max(1.0, round(n / 1024)), ("ko" if lang == "fr" else "KB")
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {unit}"


class DocumentRefused(Exception):
    """The file cannot be accepted; show `message(lang)` next to `field`."""

    def __init__(self, code: str, field: str, message_fr: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.field = field
        self.message_fr = message_fr
        self.message_en = message_en

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr


def _refused(code: str, field: str = "file", **params: Any) -> DocumentRefused:
    fr, en = _REFUSALS[code]
    return DocumentRefused(code, field, fr.format(**params), en.format(**params))


class NotFound(Exception):
    """Unknown, deleted or not yours — deliberately indistinguishable."""

    code = "not_found"
    message_fr = "Document introuvable."
    message_en = "Document not found."

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr
