import { describe, expect, it } from 'vitest';
import { isHardBounce } from '../../../electron/core/channels/email/bounces.ts';

describe('isHardBounce: which refusals mean the address is dead', () => {
  it('takes the enhanced codes for a missing mailbox, domain or bad address', () => {
    expect(isHardBounce(550, '550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown')).toBe(true);
    expect(isHardBounce(550, '550 5.1.2 Host unknown')).toBe(true);
    expect(isHardBounce(553, '553 5.1.3 Bad recipient address syntax')).toBe(true);
    expect(isHardBounce(550, '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found')).toBe(true);
    expect(isHardBounce(550, '550 5.2.1 The email account that you tried to reach is disabled.')).toBe(true);
  });

  it('does not blame the address for a policy block, a full mailbox or a size limit', () => {
    expect(isHardBounce(550, '550 5.7.1 Message rejected as spam by Content Filtering.')).toBe(false);
    expect(isHardBounce(552, '552 5.2.2 Mailbox full')).toBe(false);
    expect(isHardBounce(552, '552 5.3.4 Message size exceeds fixed limit')).toBe(false);
    // An enhanced code decides, whatever the words say.
    expect(isHardBounce(550, '550 5.7.1 Relaying denied: user unknown to this policy')).toBe(false);
  });

  it('reads the words when a relay gives no enhanced code, but only on 550, 551 and 553', () => {
    expect(isHardBounce(550, '550 No such user here')).toBe(true);
    expect(isHardBounce(551, '551 User not local; mailbox unavailable')).toBe(true);
    expect(isHardBounce(554, '554 no such user')).toBe(false);
    expect(isHardBounce(550, '550 Access denied')).toBe(false);
  });

  it('never counts a temporary refusal or a missing answer', () => {
    expect(isHardBounce(450, '450 4.1.1 User unknown (try again)')).toBe(false);
    expect(isHardBounce(421, 'Gave up after 5 tries: 421 Service not available')).toBe(false);
    expect(isHardBounce(null, null)).toBe(false);
  });
});
