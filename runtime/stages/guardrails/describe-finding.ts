/** Words for the error message of a block: what was found, never the text itself. */
const WHAT: Readonly<Record<string, string>> = {
  email: "an e-mail address",
  phone: "a phone number",
  card: "a payment card number",
  iban: "an IBAN",
  us_ssn: "a US social security number",
  cn_id: "a mainland China resident ID number",
  ip: "an IP address",
  credential: "a credential (an API key, token or private key)",
  deny_term: "a denied term",
  deny_pattern: "text that matches a deny pattern",
};

export function describeFinding(detector: string): string {
  return WHAT[detector] ?? detector;
}
