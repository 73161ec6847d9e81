"use client";

/** The dispatcher's choice, kept in the browser: sound on new alerts or not (off by default). */
export const SOUND_KEY = "oms.alertSound";

let context: AudioContext | null = null;

/**
 * Two short tones, made by the browser (no sound file to serve). A browser plays sound only after
 * the page had a click or key press: switching the sound on is one, so it always can.
 */
export function ringAlert() {
  try {
    context ??= new AudioContext();
    const start = context.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, start + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.18 + 0.16);
      tone.connect(gain).connect(context.destination);
      tone.start(start + i * 0.18);
      tone.stop(start + i * 0.18 + 0.17);
    }
    document.documentElement.dataset.alertRung = String(Number(document.documentElement.dataset.alertRung ?? 0) + 1);
  } catch {
    // No audio here (a locked-down browser): the list's highlight still says it.
  }
}
