"""Readable addresses of the Express Entry question pages (step id → French, English part),
as the other programs have: /fr/entree-express/<part>, /en/express-entry/<part>. The profile
sections' pages start with « profil- » / « profile- » so that they never meet an eligibility
page's address (the same questions are asked in both)."""

from __future__ import annotations

ELIGIBILITY = {
    "ee_province": ("province-ou-territoire", "province-or-territory"),
    "ee_language_test": ("examen-linguistique", "language-test"),
    "ee_language_date": ("date-de-l-examen-linguistique", "language-test-date"),
    "ee_language_results": ("resultats-de-l-examen-linguistique", "language-test-results"),
    "ee_second_test": ("examen-langue-seconde", "second-language-test"),
    "ee_second_date": ("date-de-l-examen-langue-seconde", "second-language-test-date"),
    "ee_second_results": ("resultats-de-l-examen-langue-seconde", "second-language-test-results"),
    "ee_canadian_work": ("experience-de-travail-au-canada", "canadian-work-experience"),
    "ee_foreign_work": ("experience-de-travail-a-l-etranger", "foreign-work-experience"),
    "ee_personal": ("age-et-situation-familiale", "age-and-marital-status"),
    "ee_education": ("etudes", "education"),
    "ee_job_offer": ("offre-d-emploi", "job-offer"),
    "ee_nomination": ("nomination-provinciale", "provincial-nomination"),
    "ee_spouse": ("epoux-ou-conjoint-de-fait", "spouse-or-common-law-partner"),
    "ee_funds": ("fonds-d-etablissement", "settlement-funds"),
}

PROFILE = {
    "ee_p_details": ("profil-details-de-la-demande", "profile-application-details"),
    "ee_p_identity": ("profil-sommaire-des-pieces-d-identite", "profile-identity-documents-summary"),
    "ee_f_family": ("profil-renseignements-sur-la-famille", "profile-family-information"),
    "ee_f_spouse": ("profil-epoux-ou-conjoint-de-fait", "profile-spouse-or-common-law-partner"),
    "ee_ed": ("profil-etudes", "profile-education"),
    "ee_l_first": ("profil-premiere-langue-officielle", "profile-first-official-language"),
    "ee_l_second": ("profil-seconde-langue-officielle", "profile-second-official-language"),
    "ee_w_canada": ("profil-experience-de-travail-au-canada", "profile-canadian-work-experience"),
    "ee_w_foreign": ("profil-experience-de-travail-a-l-etranger", "profile-foreign-work-experience"),
    "ee_o_offer": ("profil-offre-d-emploi", "profile-job-offer"),
    "ee_n_nomination": ("profil-nomination-provinciale", "profile-provincial-nomination"),
    "ee_m_funds": ("profil-fonds-d-etablissement", "profile-settlement-funds"),
    "ee_c_contact": ("profil-coordonnees", "profile-contact-information"),
}

STEP_SLUGS = {**ELIGIBILITY, **PROFILE}

PERMANENT_RESIDENCE = {
    "pr_confirm": ("votre-profil", "your-profile"),
    "pr_family": ("membres-de-la-famille", "family-members"),
    "pr_history": ("certificats-de-police-et-examen-medical", "police-certificates-and-medical-exam"),
}
