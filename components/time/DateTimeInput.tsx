"use client";

import { useEffect, useId, useState } from "react";
import { dateWords, parseTime24, TIME24_PATTERN } from "./time24";


/**
 * A wall-clock date and time ("2026-11-30T14:05", what toLocalInput / fromLocalInput in
 * components/format.ts read and write) as two fields: the browser's date picker and a 24-hour
 * time typed as HH:MM.
 *
 * Not `datetime-local` (nor `type="time"`): browsers draw those in the operating system's locale,
 * 12-hour with AM/PM on an en-US machine, and ignore the page's `lang` (Chromium draws
 * `<html lang="en-GB">`'s datetime-local as "02:05 PM"). Everything else on these screens reads
 * 24-hour in the utility's zone, and a dispatcher must never set a restoration time of 02:05 meaning
 * 14:05, so the time is a text field that accepts only 00:00–23:59 and says so. The date keeps the
 * native picker (its calendar, its keyboard); as its day/month order is the machine's, the date is
 * also written in words beside the label (dateWords).
 */
export function DateTimeInput({ label, value, onChange, className }: {
  /** Shown above both fields, and the group's accessible name; the fields are "Date" and "Time" within it. */
  label: string;
  value: string;
  /** Called with a complete, valid value only; a time being typed or mistyped is held here until it is one. */
  onChange: (value: string) => void;
  className?: string;
}) {
  const id = useId();
  const [date = "", time = ""] = value.split("T");
  const [text, setText] = useState(time);
  // A value set from outside (a preset, the form's reset) replaces what is typed.
  useEffect(() => setText((t) => (parseTime24(t) === time ? t : time)), [time]);
  const valid = parseTime24(text) !== null;
  return (
    <div className={`datetime24 ${className ?? ""}`} role="group" aria-labelledby={`${id}-label`}>
      <span className="datetime24-label"><span id={`${id}-label`}>{label}</span> <span className="datetime24-words" data-testid="date-words">{dateWords(date)}</span></span>
      <span className="datetime24-fields">
        <input type="date" aria-label="Date" required value={date} onChange={(e) => { if (e.target.value) onChange(`${e.target.value}T${time}`); }} />
        {/* No maxLength: cut to five characters, "2:05 PM" would pass as 02:05. */}
        <input type="text" aria-label="Time" required inputMode="numeric" autoComplete="off" placeholder="HH:MM" size={5}
          pattern={TIME24_PATTERN} title="24-hour time, 00:00 to 23:59" aria-invalid={!valid} value={text}
          onChange={(e) => {
            setText(e.target.value);
            const t = parseTime24(e.target.value);
            if (t && date) onChange(`${date}T${t}`);
          }}
          onBlur={() => { if (valid) setText(parseTime24(text)!); }} />
      </span>
      {!valid && <span className="form-error datetime24-error" role="alert">24-hour time, e.g. 14:05</span>}
    </div>
  );
}
