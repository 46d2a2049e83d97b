import { useEffect, useId, useRef, useState } from 'react';
import type { Editor } from '@tiptap/react';
import { captionText, MAX_ALT_TEXT_LENGTH, MAX_CAPTION_LENGTH } from '../../../../shared/content/doc.ts';

/** The number of the image at `pos` ("image 2"), counted as the content checks count. */
function imageNumber(editor: Editor, pos: number): number {
  let n = 0;
  editor.state.doc.nodesBetween(0, pos + 1, (node, at) => {
    if (node.type.name === 'image' && at <= pos) n++;
  });
  return n;
}

/**
 * Writes or changes the alt text, and the optional caption, of the image at
 * `pos`. Opened right after an image is inserted, and from the image itself.
 */
export function AltTextForm({ editor, pos, onClose }: { editor: Editor; pos: number; onClose: () => void }) {
  const node = editor.state.doc.nodeAt(pos);
  const current = node?.type.name === 'image' && typeof node.attrs.alt === 'string' ? node.attrs.alt : '';
  const currentCaption =
    node?.type.name === 'image' && typeof node.attrs.caption === 'string' ? node.attrs.caption : '';
  const [value, setValue] = useState(current);
  const [caption, setCaption] = useState(currentCaption);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const ids = { input: useId(), hint: useId(), error: useId(), caption: useId(), captionHint: useId() };
  useEffect(() => input.current?.focus(), []);
  if (!node || node.type.name !== 'image') return null;

  const apply = () => {
    const alt = value.replace(/\s+/g, ' ').trim();
    if (alt.length === 0) {
      setError('Write the alt text first, or choose "Later" to come back to it. The update cannot be sent without it.');
      input.current?.focus();
      return;
    }
    editor
      .chain()
      .focus()
      .command(({ tr }) => {
        tr.setNodeMarkup(pos, undefined, { ...node.attrs, alt, caption: captionText(caption) || null });
        return true;
      })
      .run();
    onClose();
  };

  return (
    <div
      className="link-form alt-form"
      role="group"
      aria-label="Alt text"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <label htmlFor={ids.input}>Alt text for image {imageNumber(editor, pos)}</label>
      <p id={ids.hint} className="hint">
        Describe what the image shows for someone who cannot see it. Say what matters for this update, in a sentence or
        two. Do not start with &ldquo;Image of&rdquo;.
      </p>
      <textarea
        id={ids.input}
        ref={input}
        rows={2}
        maxLength={MAX_ALT_TEXT_LENGTH}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${ids.hint} ${ids.error}` : ids.hint}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            apply();
          }
        }}
      />
      <label htmlFor={ids.caption}>Caption (optional)</label>
      <p id={ids.captionHint} className="hint">
        Shown under the image on the website and in the email, for everyone. Social posts add it to the image
        description.
      </p>
      <input
        id={ids.caption}
        type="text"
        maxLength={MAX_CAPTION_LENGTH}
        value={caption}
        aria-describedby={ids.captionHint}
        onChange={(e) => setCaption(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            apply();
          }
        }}
      />
      <button type="button" className="button primary" onClick={apply}>
        Save alt text
      </button>
      <button type="button" className="button" onClick={onClose}>
        Later
      </button>
      {error && (
        <p id={ids.error} className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
