"""What a column's name says it holds, in EN, DE, FR, ES, IT and NL.

Names are split into lower-case tokens ("customerEmail" -> customer, email; "E-Mail-Adresse"
-> e, mail, adresse) and the rules are tried in order, so "email_address" is an e-mail column
and not a postal one, and "ip_address" an IP column.
"""

from __future__ import annotations

import re
import unicodedata

from aisec.data.pii.address_words import words

# (entity, whole tokens, substrings of the joined name); first rule that fits wins.
_RULES: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = (
    ("EMAIL_ADDRESS", frozenset({"email", "mail", "courriel", "correo", "pec", "emails"}),
     ("email", "emailadres", "mailadres", "posta_elettronica", "correo_electronico")),
    ("IP_ADDRESS", frozenset({"ip", "ipv4", "ipv6", "ipaddr", "ipaddress", "remote_addr"}),
     ("ip_address", "ipaddress", "client_ip", "src_ip", "dst_ip", "remote_addr")),
    ("MAC_ADDRESS", frozenset({"mac", "macaddr", "hwaddr", "bssid"}), ("mac_address",)),
    ("IBAN_CODE", frozenset({"iban", "rib", "konto", "kontonummer", "rekeningnummer"}),
     ("iban", "bank_account", "account_number")),
    ("CREDIT_CARD", frozenset({"pan", "ccnum", "cc", "creditcard", "kreditkarte"}),
     ("credit_card", "card_number", "cardnumber", "cc_number", "kartennummer",
      "numero_carte", "carte_bancaire", "tarjeta", "carta_di_credito", "creditcard")),
    ("US_SSN", frozenset({"ssn"}), ("social_security",)),
    ("UK_NINO", frozenset({"nino"}), ("national_insurance", "ni_number")),
    ("NATIONAL_ID", frozenset({"nir", "insee", "dni", "nie", "nif", "bsn", "cf", "idnr",
                               "secu", "sofinummer", "burgerservicenummer"}),
     ("national_id", "steuer_id", "steuerid", "steueridentifikationsnummer", "codice_fiscale",
      "securite_sociale", "personalausweis", "id_number", "passport")),
    ("DATE_OF_BIRTH", frozenset({"dob", "birth", "birthday", "birthdate", "geburtsdatum",
                                 "geburtstag", "naissance", "nacimiento", "nascita",
                                 "geboortedatum", "geboren"}),
     ("date_of_birth", "birth_date", "birthdate", "geburtsdatum", "date_naissance",
      "fecha_nacimiento", "data_nascita", "geboortedatum", "geb_datum")),
    ("PHONE_NUMBER", frozenset({"phone", "tel", "telephone", "mobile", "cell", "fax",
                                "telefon", "handy", "mobil", "rufnummer", "telefonnummer",
                                "portable", "telefono", "movil", "celular", "cellulare",
                                "telefoonnummer", "mobiel", "gsm", "phonenumber", "msisdn"}),
     ("phone", "telefon", "telephone", "telefono", "mobile_number", "cellphone")),
    ("POSTAL_ADDRESS", frozenset({"address", "addr", "street", "city", "zip", "zipcode",
                                  "postcode", "plz", "postleitzahl", "strasse", "ort", "stadt",
                                  "wohnort", "anschrift", "adresse", "rue", "ville", "cp",
                                  "direccion", "calle", "ciudad", "domicilio", "indirizzo",
                                  "via", "citta", "cap", "adres", "straat", "woonplaats",
                                  "plaats", "town", "postal"}),
     ("postal_code", "zip_code", "code_postal", "codigo_postal", "street_address",
      "home_address", "mailing_address", "billing_address", "shipping_address")),
    ("PERSON", frozenset({"name", "firstname", "lastname", "surname", "forename", "fullname",
                          "vorname", "nachname", "familienname", "nom", "prenom", "nombre",
                          "apellido", "apellidos", "nome", "cognome", "naam", "voornaam",
                          "achternaam", "patient", "author"}),
     ("first_name", "last_name", "given_name", "family_name", "full_name", "middle_name",
      "contact_name", "customer_name", "patient_name", "employee_name", "maiden_name")),
)  # fmt: skip

# A "name" qualified by one of these is not a person's name ("file_name", "hostname").
_NOT_PERSON = frozenset(
    words("""
file host user product company org organisation organization model table column field domain
brand item city street country app project dataset key tag class label type category server
bucket repo package event task job team group display screen user_name username node device
account bank hotel restaurant shop store school place region state site page feature
""")
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def name_tokens(column: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", column)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = plain.replace("ß", "ss")
    return [t for t in _SPLIT.split(_CAMEL.sub("_", plain).lower()) if t]


def column_entity(column: str) -> str | None:
    """The entity a column's name announces, or None."""
    tokens = name_tokens(column)
    if not tokens:
        return None
    joined = "_".join(tokens)
    compact = "".join(tokens)
    for entity, whole, parts in _RULES:
        hit = any(t in whole for t in tokens) or any(p in joined or p in compact for p in parts)
        if not hit:
            continue
        if entity == "PERSON" and any(t in _NOT_PERSON for t in tokens):
            return None
        return entity
    return None
