"""Helpers shared by the import and export tests: files built in memory."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from partners.transfer import HEADERS


def row(**values):
    """A row of the import file: an example listing, with ``values`` by header."""
    cells = {
        "identifiant externe": "",
        "nom": "Épicerie du Port",
        "catégories": "Distributeurs alimentaires",
        "description": "",
        "adresse": "12 rue du Port",
        "code postal": "63000",
        "code INSEE commune": "63113",
        "latitude": "45.777222",
        "longitude": "3.087025",
        "téléphone": "04 73 12 34 56",
        "e-mail": "contact@example.org",
        "site web": "https://example.org",
        "services": "Épicerie solidaire | Accepte la Doume",
        "publics": "Jeunes (16-25 ans)",
        "conditions d'accès": "Sur orientation uniquement",
        "horaires": "Du mardi au samedi",
        "tarifs": "2 € par an",
        "statut du partenariat": "Partenaire actif",
        "date de convention": "15/01/2026",
        "recommandable": "oui",
        "dernière vérification": "01/02/2026",
        "fréquence de revue (mois)": "12",
        "SIRET": "",
        "fiche Acceslibre": "",
        "fiche d'origine": "",
        "réseaux porteurs": "",
    }
    cells.update({header.replace("_", " "): value for header, value in values.items()})
    return [cells[header] for header in HEADERS]


def csv_file(rows, name="acteurs.csv", delimiter=";"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def xlsx_file(rows, name="acteurs.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def read_xlsx(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(cells) for cells in workbook.worksheets[0].iter_rows(values_only=True)]
