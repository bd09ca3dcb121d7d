/** The province-level codes (first two digits) of mainland China resident IDs (GB/T 2260), plus 71/81/82 (Taiwan, Hong Kong, Macao residence permits). */
export const CN_PROVINCE_CODES: ReadonlySet<string> = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45",
  "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
]);
