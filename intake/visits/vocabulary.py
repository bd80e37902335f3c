"""The visit note's vocabularies: the labels of each choice a practitioner ticks, and pattern suggestions."""

PROGRESS_LABELS = {"better": "Better", "same": "Same", "worse": "Worse"}
SLEEP_LABELS = {"good": "Good", "fair": "Fair, some waking", "poor": "Poor"}
SIDE_LABELS = {"bilateral": "Both sides", "left": "Left", "right": "Right", "midline": "Midline"}
TECHNIQUE_LABELS = {"even": "Even", "tonify": "Tonify", "reduce": "Reduce"}
INTENSITY_LABELS = {"mild": "Mild", "moderate": "Moderate", "strong": "Strong"}
MOXIBUSTION_LABELS = {
    "stick": "Moxa stick (pole)",
    "warm_needle": "Warm needle",
    "cone": "Indirect cone",
    "box": "Moxa box",
}
CUPPING_LABELS = {"fixed": "Fixed", "sliding": "Sliding"}
MASSAGE_TECHNIQUE_LABELS = {
    "swedish": "Swedish",
    "deep_tissue": "Deep tissue",
    "trigger_point": "Trigger point",
    "myofascial_release": "Myofascial release",
    "tui_na": "Tui na",
    "sports": "Sports",
    "stretching": "Stretching",
    "other": "Other",
}
PRESSURE_LABELS = {"light": "Light", "medium": "Medium", "firm": "Firm", "deep": "Deep"}
TOLERANCE_LABELS = {
    "well": "Tolerated well",
    "some_discomfort": "Some discomfort",
    "poorly": "Poorly tolerated",
}
NO_REACTION = "none"
REACTION_LABELS = {
    NO_REACTION: "None",
    "bruising": "Bruising",
    "bleeding": "Bleeding",
    "pain_at_site": "Pain at a needle site",
    "needle_shock": "Dizziness or fainting (needle shock)",
    "fatigue": "Fatigue",
    "other": "Other",
}
CAUTION_LABELS = {
    "electro_with_pacemaker": "Electro-acupuncture with a pacemaker",
    "points_in_first_trimester": "Cautioned points in the first trimester",
}
#: Suggestions offered while typing the TCM pattern (free text: any pattern may be written).
TCM_PATTERN_SUGGESTIONS = (
    "Kidney deficiency",
    "Kidney yang deficiency",
    "Kidney yin deficiency",
    "Qi and blood stagnation",
    "Blood stasis",
    "Cold-damp obstruction (bi syndrome)",
    "Wind-cold-damp bi syndrome",
    "Damp-heat in the lower back",
    "Liver qi stagnation",
    "Liver and Kidney deficiency",
    "Spleen qi deficiency with dampness",
    "Qi deficiency",
    "Blood deficiency",
)
