import type { Position } from '../../eventstore/port.js';

/**
 * A position as read from projection state: a plain number when it fits (every sqlite position
 * does), a bigint otherwise (EventStoreDB's packed commit and prepare positions).
 */
export type CompactPosition = number | bigint;

/**
 * Positions in float columns: safe integers as themselves, null as NaN, and the rare position
 * beyond 2^53 as a negative reference into a side list.
 */
export class PositionCodec {
  constructor(private readonly big: bigint[] = []) {}

  write(position: Position | null): number {
    if (position === null) return Number.NaN;
    if (position <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(position);
    return -this.big.push(position);
  }

  read(value: number): CompactPosition | null {
    if (Number.isNaN(value)) return null;
    return value >= 0 ? value : (this.big[-value - 1] as bigint);
  }

  encode(): string {
    return JSON.stringify(this.big.map(String));
  }

  static decode(json: string): PositionCodec {
    return new PositionCodec((JSON.parse(json) as string[]).map(BigInt));
  }
}
