"""Languages the platform does not offer, each with one short page in that language.

What the site is, that it is not (yet) in the reader's language, and how to get an
interpreter: German is the official language (§ 19 SGB X), and the job centre helps with
a translation. The texts are short and plain on purpose; each records whether a native
speaker has checked it (``checked_by``), shown to staff in docs/languages.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FurtherLanguage:
    code: str  # BCP 47, the page's lang attribute and its address
    name: str  # in the language itself
    german_name: str
    rtl: bool
    paragraphs: tuple[str, ...]
    find_label: str  # "Find your job centre"
    checked_by: str = ""  # who reviewed the text (empty: not yet by a native speaker)


FURTHER_LANGUAGES: tuple[FurtherLanguage, ...] = (
    FurtherLanguage(
        code="ckb",
        name="کوردیی ناوەندی (سۆرانی)",
        german_name="Kurdisch (Sorani)",
        rtl=True,
        paragraphs=(
            "ئەمە ماڵپەڕی جۆبسێنتەرەکەتە (Jobcenter).",
            (
                "لێرە دەتوانیت کات دیاری بکەیت، داواکاری پێشکەش بکەیت، بەڵگەنامە بنێریت"
                " و نامە بۆ جۆبسێنتەر بنووسیت."
            ),
            "ئەم ماڵپەڕە هێشتا بە زمانەکەی تۆ نییە.",
            (
                "بە جۆبسێنتەر بڵێ بە چ زمانێک قسە دەکەیت. جۆبسێنتەر یارمەتیت دەدات"
                " بە وەرگێڕان (§ 19 SGB X)."
            ),
            "دەتوانیت کەسێکی متمانەپێکراویش لەگەڵ خۆت بهێنیت کە ئەڵمانی دەزانێت.",
        ),
        find_label="جۆبسێنتەرەکەت بدۆزەرەوە",
    ),
    FurtherLanguage(
        code="ti",
        name="ትግርኛ",
        german_name="Tigrinya",
        rtl=False,
        paragraphs=(
            "እዚ ናይ ጆብሴንተርኩም (Jobcenter) መርበብ ሓበሬታ እዩ።",
            "ኣብዚ ቆጸራ ክትሕዙ፣ ሕቶ ሓገዝ ከተቕርቡ፣ ሰነዳት ክትሰዱን ናብ ጆብሴንተር ክትጽሕፉን ትኽእሉ ኢኹም።",
            "እዚ መርበብ ሓበሬታ ገና ብቋንቋኹም የለን።",
            "ብኣየናይ ቋንቋ ከም እትዛረቡ ንጆብሴንተር ንገርዎ። ጆብሴንተር ብትርጉም ክሕግዘኩም እዩ (§ 19 SGB X)።",
            "ጀርመንኛ ዝዛረብ እሙን ሰብ ምሳኹም ከተምጽኡ ትኽእሉ ኢኹም።",
        ),
        find_label="ጆብሴንተርኩም ርኸቡ",
    ),
    FurtherLanguage(
        code="ps",
        name="پښتو",
        german_name="Paschtu",
        rtl=True,
        paragraphs=(
            "دا ستاسو د جاب سنټر (Jobcenter) ویب پاڼه ده.",
            (
                "دلته تاسو کولی شئ د ملاقات وخت ونیسئ، غوښتنلیکونه وسپارئ، اسناد ولیږئ"
                " او جاب سنټر ته ولیکئ."
            ),
            "دا ویب پاڼه لا تر اوسه ستاسو په ژبه نشته.",
            (
                "جاب سنټر ته ووایاست چې تاسو په کومه ژبه خبرې کوئ. جاب سنټر به د ژباړې"
                " سره ستاسو مرسته وکړي (§ 19 SGB X)."
            ),
            "تاسو کولی شئ یو باوري کس هم له ځانه سره راولئ چې په الماني ژبه خبرې کوي.",
        ),
        find_label="خپل جاب سنټر ومومئ",
    ),
    FurtherLanguage(
        code="sq",
        name="Shqip",
        german_name="Albanisch",
        rtl=False,
        paragraphs=(
            "Kjo është faqja e internetit e qendrës suaj të punës (Jobcenter).",
            (
                "Këtu mund të lini takime, të bëni kërkesa, të dërgoni dokumente"
                " dhe t'i shkruani Jobcenter-it."
            ),
            "Kjo faqe nuk është ende në gjuhën tuaj.",
            (
                "Tregojini Jobcenter-it se cilën gjuhë flisni. Jobcenter-i ju ndihmon"
                " me një përkthim (§ 19 SGB X)."
            ),
            "Mund të merrni me vete edhe një person të besuar që flet gjermanisht.",
        ),
        find_label="Gjeni Jobcenter-in tuaj",
    ),
    FurtherLanguage(
        code="bs",
        name="Bosanski",
        german_name="Bosnisch",
        rtl=False,
        paragraphs=(
            "Ovo je internet stranica Vašeg Jobcentra (zavoda za zapošljavanje).",
            (
                "Ovdje možete zakazati termine, podnijeti zahtjeve, poslati dokumente"
                " i pisati Jobcentru."
            ),
            "Ova stranica još nije dostupna na Vašem jeziku.",
            (
                "Recite Jobcentru koji jezik govorite. Jobcentar će Vam pomoći s prevodom"
                " (§ 19 SGB X)."
            ),
            "Možete povesti i osobu od povjerenja koja govori njemački.",
        ),
        find_label="Pronađite svoj Jobcentar",
    ),
    FurtherLanguage(
        code="hr",
        name="Hrvatski",
        german_name="Kroatisch",
        rtl=False,
        paragraphs=(
            "Ovo je internetska stranica Vašeg Jobcentra (zavoda za zapošljavanje).",
            (
                "Ovdje možete dogovoriti termine, podnijeti zahtjeve, poslati dokumente"
                " i pisati Jobcentru."
            ),
            "Ova stranica još nije dostupna na Vašem jeziku.",
            (
                "Recite Jobcentru koji jezik govorite. Jobcentar će Vam pomoći s prijevodom"
                " (§ 19 SGB X)."
            ),
            "Možete povesti i osobu od povjerenja koja govori njemački.",
        ),
        find_label="Pronađite svoj Jobcentar",
    ),
    FurtherLanguage(
        code="sr-Latn",
        name="Srpski",
        german_name="Serbisch",
        rtl=False,
        paragraphs=(
            "Ovo je internet stranica Vašeg Jobcentra (službe za zapošljavanje).",
            (
                "Ovde možete da zakažete termine, podnesete zahteve, pošaljete dokumente"
                " i pišete Jobcentru."
            ),
            "Ova stranica još nije dostupna na Vašem jeziku.",
            (
                "Recite Jobcentru koji jezik govorite. Jobcentar će Vam pomoći sa prevodom"
                " (§ 19 SGB X)."
            ),
            "Možete da povedete i osobu od poverenja koja govori nemački.",
        ),
        find_label="Pronađite svoj Jobcentar",
    ),
)

BY_CODE = {language.code.lower(): language for language in FURTHER_LANGUAGES}
