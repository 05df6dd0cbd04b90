"""Every drug's RxCUI against a cited list of RxNorm ingredient (TTY=IN) concepts.

Opioids: CDC's computable MME tables, which key each factor by the ingredient RxCUI —
cqframework/opioid-mme-r4, `input/cql/ConversionFactors.cql` and
`input/vocabulary/codesystem/codesystem-CDCMMEResearchConversionFactors.json` (version 3.0.0).

Interacting and other drugs: RxNorm ingredient concepts (NLM RxNorm; look each up with RxNav,
`https://rxnav.nlm.nih.gov/REST/rxcui.json?name=<ingredient>`). This list was written by hand and
was not re-queried against RxNav when it was written; re-check it there when RxNorm is updated.
A code in doubt is left out of the list on purpose: its formulary entry must then carry a
`verify` note that names the RxCUI, so a clinic sees it.
"""

from __future__ import annotations

from taperwell.clinical.formulary import load_formulary

FORMULARY = load_formulary()

CDC_MME_INGREDIENTS = {
    "buprenorphine": "1819", "butorphanol": "1841", "codeine": "2670", "dihydrocodeine": "23088",
    "fentanyl": "4337", "hydrocodone": "5489", "hydromorphone": "3423", "levorphanol": "6378",
    "meperidine": "6754", "methadone": "6813", "morphine": "7052", "oxycodone": "7804",
    "oxymorphone": "7814", "pentazocine": "8001", "tapentadol": "787390", "tramadol": "10689",
}  # fmt: skip

RXNORM_INGREDIENTS = {
    # antagonists
    "naltrexone": "7243", "naloxone": "7242", "nalbuphine": "7238",
    # benzodiazepines, z-drugs, muscle relaxants, gabapentinoids, barbiturates
    "alprazolam": "596", "clonazepam": "2598", "diazepam": "3322", "lorazepam": "6470",
    "temazepam": "10355", "chlordiazepoxide": "2356", "oxazepam": "7781", "triazolam": "10767",
    "midazolam": "6960", "zolpidem": "39993", "eszopiclone": "461016", "zaleplon": "74667",
    "carisoprodol": "2101", "cyclobenzaprine": "21949", "methocarbamol": "6845",
    "tizanidine": "57258", "baclofen": "1292", "metaxalone": "6825", "gabapentin": "25480",
    "pregabalin": "187832", "phenobarbital": "8134",
    # antipsychotics and antihistamines
    "quetiapine": "51272", "olanzapine": "61381", "chlorpromazine": "2403", "clozapine": "2626",
    "haloperidol": "5093", "promethazine": "8745", "hydroxyzine": "5553",
    "diphenhydramine": "3498",
    # antidepressants and other serotonergic medicines
    "fluoxetine": "4493", "paroxetine": "32937", "sertraline": "36437", "citalopram": "2556",
    "escitalopram": "321988", "fluvoxamine": "42355", "venlafaxine": "39786",
    "desvenlafaxine": "734064", "duloxetine": "72625", "amitriptyline": "704",
    "nortriptyline": "7531", "imipramine": "5691", "phenelzine": "8123",
    "tranylcypromine": "10734", "isocarboxazid": "6011", "selegiline": "9639",
    "linezolid": "190376", "sumatriptan": "37418", "rizatriptan": "88014", "trazodone": "10737",
    "mirtazapine": "15996", "lithium": "6448",
    # CYP3A4 and CYP2D6
    "ritonavir": "85762", "ketoconazole": "6135", "itraconazole": "28031",
    "clarithromycin": "21212", "erythromycin": "4053", "fluconazole": "4450",
    "diltiazem": "3443", "verapamil": "11170", "rifampin": "9384", "carbamazepine": "2002",
    "phenytoin": "8183", "bupropion": "42347",
    # QT-prolonging
    "amiodarone": "703", "sotalol": "9947", "ondansetron": "26225", "levofloxacin": "82122",
    "azithromycin": "18631",
    # non-opioid pain medicines
    "acetaminophen": "161", "ibuprofen": "5640", "naproxen": "7258", "celecoxib": "140587",
    "meloxicam": "41493", "diclofenac": "3355", "lidocaine": "6387", "capsaicin": "1893",
    "alcohol": "448",
}  # fmt: skip

# Codes that belong to something else and must never be given to the drug on the left.
KNOWN_WRONG = {"butalbital": {"1886"}}  # 1886 is caffeine


def test_every_opioid_carries_the_rxcui_of_cdcs_mme_tables() -> None:
    for drug in FORMULARY.in_class("opioid"):
        expected = CDC_MME_INGREDIENTS.get(drug.name) or RXNORM_INGREDIENTS.get(drug.name)
        assert expected is not None, f"{drug.name} is in neither reference list"
        assert drug.rxcui == expected, drug.name


def test_every_other_drug_matches_the_reference_list_or_says_its_code_needs_checking() -> None:
    for drug in FORMULARY:
        if drug.is_opioid:
            continue
        expected = RXNORM_INGREDIENTS.get(drug.name)
        if expected is None:
            assert drug.verify is not None, drug.name
            assert "RxCUI" in drug.verify, drug.name
        else:
            assert drug.rxcui == expected, drug.name


def test_no_drug_carries_a_code_known_to_be_another_ingredients() -> None:
    for name, wrong in KNOWN_WRONG.items():
        assert FORMULARY.get(name).rxcui not in wrong, name


def test_no_two_drugs_share_an_rxcui() -> None:
    codes = [d.rxcui for d in FORMULARY]
    assert len(codes) == len(set(codes))
