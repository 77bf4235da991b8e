/**
 * Where sequential readers continue. A consumer's next Fetch starts at the offset after the last
 * batch its previous Fetch got; remembering that batch boundary's file position lets the next
 * read skip the index lookup and the scan (two extra reads per Fetch). Bounded, oldest first out;
 * cleared whenever the segment's bytes are truncated, so a position is never stale.
 */
export class ReadPositions {
  private readonly positions = new Map<bigint, number>();

  constructor(private readonly max = 256) {}

  get(offset: bigint): number | undefined {
    return this.positions.get(offset);
  }

  set(offset: bigint, position: number): void {
    if (this.positions.has(offset)) this.positions.delete(offset);
    else if (this.positions.size >= this.max) this.positions.delete(this.positions.keys().next().value!);
    this.positions.set(offset, position);
  }

  clear(): void {
    this.positions.clear();
  }
}
