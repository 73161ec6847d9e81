/**
 * The order of the outage list, on top of the server's (most severe, then oldest): open outages
 * first, restored ones still verifying after them; and a nested outage right under its parent,
 * indented, when the parent is listed too. A family sits where its most urgent member would:
 * a nested outage holding customers dark brings its verifying parent up with it.
 */

/** What the list needs of a row. `verifying`, `parentOutageId` may be absent (older servers). */
export interface ArrangeableOutage {
  id: string;
  status: string;
  verifying?: boolean;
  parentOutageId?: string | null;
}

export const isVerifying = (o: ArrangeableOutage) => o.verifying ?? o.status === "restored";

export function arrangeOutages<T extends ArrangeableOutage>(rows: T[]): Array<{ outage: T; depth: number }> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const children = new Map<string, T[]>();
  const roots: T[] = [];
  for (const r of rows) {
    const parent = r.parentOutageId && r.parentOutageId !== r.id ? byId.get(r.parentOutageId) : undefined;
    if (parent && !isAncestor(r.id, parent, byId)) children.set(parent.id, [...(children.get(parent.id) ?? []), r]);
    else roots.push(r);
  }
  // A family's rank: open before verifying, then the server's position of its best member.
  const position = new Map(rows.map((r, i) => [r.id, i]));
  const rank = (r: T): number => Math.min(position.get(r.id)! + (isVerifying(r) ? rows.length : 0),
    ...(children.get(r.id) ?? []).map(rank));
  const out: Array<{ outage: T; depth: number }> = [];
  const walk = (r: T, depth: number) => {
    out.push({ outage: r, depth });
    for (const c of [...(children.get(r.id) ?? [])].sort((a, b) => rank(a) - rank(b))) walk(c, depth + 1);
  };
  for (const r of [...roots].sort((a, b) => rank(a) - rank(b))) walk(r, 0);
  return out;
}

/** Guards against a parent cycle in bad data (a row would otherwise never be listed). */
function isAncestor<T extends ArrangeableOutage>(id: string, of: T, byId: Map<string, T>): boolean {
  const seen = new Set<string>();
  for (let p: T | undefined = of; p && !seen.has(p.id); p = p.parentOutageId ? byId.get(p.parentOutageId) : undefined) {
    if (p.id === id) return true;
    seen.add(p.id);
  }
  return false;
}
