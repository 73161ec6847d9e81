import type { LatLng } from "./geo";

export interface District extends LatLng {
  name: string;
}

/**
 * Districts of Greater Amman (and its edges) with approximate centres, in the order substations
 * take them. The first twenty cover the default 20,000-meter network.
 */
export const AMMAN_DISTRICTS: readonly District[] = [
  { name: "Abdali", lat: 31.9634, lng: 35.9105 },
  { name: "Marka", lat: 31.9842, lng: 35.9921 },
  { name: "Sweileh", lat: 32.0226, lng: 35.8409 },
  { name: "Quwaismeh", lat: 31.9085, lng: 35.9516 },
  { name: "Shmeisani", lat: 31.9717, lng: 35.8993 },
  { name: "Tla' al-Ali", lat: 31.9986, lng: 35.8658 },
  { name: "Sahab", lat: 31.8716, lng: 36.0046 },
  { name: "Khalda", lat: 32.0008, lng: 35.8456 },
  { name: "Jabal Amman", lat: 31.9512, lng: 35.9198 },
  { name: "Abu Nseir", lat: 32.0561, lng: 35.8804 },
  { name: "Wadi Saqra", lat: 31.9565, lng: 35.8891 },
  { name: "Tabarbour", lat: 32.0034, lng: 35.9474 },
  { name: "Marj al-Hamam", lat: 31.8947, lng: 35.8290 },
  { name: "Jubeiha", lat: 32.0205, lng: 35.8712 },
  { name: "Hashmi", lat: 31.9708, lng: 35.9560 },
  { name: "Dabouq", lat: 31.9897, lng: 35.8163 },
  { name: "Muqabalain", lat: 31.9158, lng: 35.9188 },
  { name: "Zarqa Road", lat: 32.0303, lng: 35.9905 },
  { name: "Naour", lat: 31.8702, lng: 35.8420 },
  { name: "Nuzha", lat: 31.9795, lng: 35.9342 },
  { name: "Sweifieh", lat: 31.9572, lng: 35.8653 },
  { name: "Wehdat", lat: 31.9338, lng: 35.9412 },
  { name: "Shafa Badran", lat: 32.0552, lng: 35.9148 },
  { name: "Abu Alanda", lat: 31.9049, lng: 35.9790 },
  { name: "Um Uthaina", lat: 31.9752, lng: 35.8791 },
  { name: "Wadi Seer", lat: 31.9536, lng: 35.8162 },
  { name: "Yadoudeh", lat: 31.8832, lng: 35.9214 },
  { name: "Jabal al-Hussein", lat: 31.9667, lng: 35.9234 },
  { name: "Tariq", lat: 32.0168, lng: 35.9603 },
  { name: "Bnayyat", lat: 31.8878, lng: 35.8762 },
  { name: "Um Nowarah", lat: 31.9381, lng: 35.9672 },
  { name: "Rusaifa", lat: 32.0187, lng: 36.0431 },
  { name: "Deir Ghbar", lat: 31.9447, lng: 35.8371 },
  { name: "Yajouz", lat: 32.0436, lng: 35.9561 },
  { name: "Khirbet Sooq", lat: 31.8925, lng: 35.9510 },
  { name: "Um al-Summaq", lat: 31.9880, lng: 35.8482 },
  { name: "Ras al-Ain", lat: 31.9431, lng: 35.9262 },
  { name: "Airport Road", lat: 31.8790, lng: 35.8930 },
  { name: "Jabal al-Natheef", lat: 31.9399, lng: 35.9385 },
  { name: "Mahatta", lat: 31.9640, lng: 35.9460 },
];

/** Suffixes for a district that hosts more than one substation. */
export const SITE_SUFFIXES = ["", " North", " South", " East", " West", " Central", " Industrial"];

export const AMMAN_STREETS: readonly string[] = [
  "Queen Rania St", "Mecca St", "Medina Munawwara St", "Wasfi Al-Tal St", "Zahran St",
  "King Abdullah II St", "Prince Hamzah St", "Al-Istiklal St", "Abdullah Ghosheh St", "Arar St",
  "Ibn Khaldoun St", "Al-Urdon St", "Al-Kindi St", "Yajouz St", "Al-Jaish St", "Prince Hashem St",
  "Al-Shaheed St", "Queen Noor St", "Abdul Hameed Sharaf St", "Al-Hurriya St", "Jordan St",
  "Prince Shaker Bin Zaid St", "Al-Quds St", "Airport Rd", "Al-Madina Al-Riyadiya St",
  "Omar Al-Mukhtar St", "Al-Sharif Naser Bin Jameel St", "Khalil Al-Salem St", "Al-Baoniya St",
  "Saad Bin Abi Waqqas St", "Uqba Bin Nafi St", "Ali Nasouh Al-Taher St", "Al-Razi St",
  "Hussein Bin Ali St", "King Faisal St", "Al-Malek Al-Hussein St", "Petra St", "Salt St",
  "Al-Rainbow St", "Shabib St",
];
