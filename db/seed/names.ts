import type { Random } from "./random";

/** Romanised Jordanian given names and family names for synthetic customers. */
const MALE_NAMES = [
  "Ahmad", "Mohammad", "Omar", "Khaled", "Yousef", "Ibrahim", "Ali", "Hamzeh", "Zaid", "Faisal",
  "Tareq", "Sami", "Bilal", "Mahmoud", "Hussein", "Anas", "Laith", "Rami", "Nasser", "Hani",
  "Saleh", "Majed", "Waleed", "Ammar", "Osama", "Fadi", "Ayman", "Suhaib", "Mousa", "Issa",
  "Jamal", "Raed", "Basel", "Qais", "Mutaz", "Emad", "Ziad", "Firas", "Nabil", "Ghassan",
];
const FEMALE_NAMES = [
  "Fatima", "Aisha", "Mariam", "Noor", "Rania", "Lina", "Hiba", "Dana", "Sara", "Rawan",
  "Reem", "Huda", "Layla", "Yasmeen", "Salma", "Ruba", "Dima", "Tala", "Haya", "Abeer",
  "Nisreen", "Suha", "Maysa", "Ghada", "Areej", "Lubna", "Shireen", "Amal", "Razan", "Jumana",
];
const FAMILY_NAMES = [
  "Al-Zoubi", "Obeidat", "Tarawneh", "Al-Majali", "Khasawneh", "Bani Hani", "Al-Momani",
  "Rawashdeh", "Al-Qudah", "Shdeifat", "Haddad", "Khoury", "Nasser", "Al-Masri", "Abu Ghazaleh",
  "Hijazi", "Al-Hmoud", "Al-Fayez", "Al-Khatib", "Al-Rifai", "Batayneh", "Al-Smadi", "Qteishat",
  "Al-Adwan", "Haddadin", "Al-Saleh", "Abu Rumman", "Al-Tal", "Al-Shamaileh", "Bdour",
  "Al-Jaber", "Al-Awamleh", "Hamarneh", "Al-Daoud", "Abu Hammour", "Al-Sharif", "Dajani",
  "Al-Nabulsi", "Qasem", "Al-Kurdi", "Zreiqat", "Al-Omari", "Al-Hiyari", "Abu Zaid", "Al-Btoush",
];

export interface PersonName {
  given: string;
  family: string;
  full: string;
}

/** Given name, often the father's name (as Jordanians write it), then the family name. */
export function personName(random: Random): PersonName {
  const given = random.chance(0.5) ? random.pick(MALE_NAMES) : random.pick(FEMALE_NAMES);
  const family = random.pick(FAMILY_NAMES);
  const father = random.chance(0.6) ? ` ${random.pick(MALE_NAMES)}` : "";
  return { given, family, full: `${given}${father} ${family}` };
}

/** A Jordanian mobile number: +962 7[789] and seven digits (Orange, Zain, Umniah). */
export function jordanMobile(random: Random): string {
  return `+9627${random.pick(["7", "8", "9"])}${random.digits(7)}`;
}

/** Reserved example domains (RFC 2606) so a notification test can never reach a real inbox. */
const EMAIL_DOMAINS = ["example.com", "example.net", "example.org"];

export function emailFor(name: PersonName, random: Random): string {
  const local = `${name.given}.${name.family}`.toLowerCase().replace(/[^a-z.]/g, "");
  return `${local}${random.int(1, 999)}@${random.pick(EMAIL_DOMAINS)}`;
}

export const CREW_KINDS = ["Line Crew", "Cable Crew", "Substation Crew", "Trouble Crew"];
