import { CHANNEL_KINDS, channelDisplayName, type ChannelKind } from '../../../../shared/channels/kinds.ts';

/** Which channels this update goes to. */
export function ChannelPicker({ value, onChange }: { value: ChannelKind[]; onChange: (next: ChannelKind[]) => void }) {
  return (
    <fieldset className="channel-picker">
      <legend>Channels</legend>
      {CHANNEL_KINDS.map((kind) => (
        <label key={kind} className="channel-option">
          <input
            type="checkbox"
            checked={value.includes(kind)}
            onChange={(e) =>
              onChange(
                e.target.checked
                  ? CHANNEL_KINDS.filter((k) => k === kind || value.includes(k))
                  : value.filter((k) => k !== kind),
              )
            }
          />
          {channelDisplayName(kind)}
        </label>
      ))}
    </fieldset>
  );
}
