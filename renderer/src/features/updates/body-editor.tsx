import { useRef, useState, type ChangeEvent } from 'react';
import { EditorContent, useEditor } from '@tiptap/react';
import type { Editor } from '@tiptap/react';
import { NodeSelection } from '@tiptap/pm/state';
import { StarterKit } from '@tiptap/starter-kit';
import type { Doc } from '../../../../shared/content/doc.ts';
import { isSafeHref } from '../../../../shared/content/doc.ts';
import { IMAGE_ACCEPT, useAddImage } from '../media/use-media.ts';
import { AltTextForm } from './alt-text-form.tsx';
import { EditorToolbar } from './editor-toolbar.tsx';
import { BodyImage } from './image-node.tsx';
import { LinkForm } from './link-form.tsx';
import { cleanPastedHtml } from './paste-cleaner.ts';

/**
 * The rich body: only what the core's body schema accepts (H2/H3, bold,
 * italic, links, lists, quotes, images from our media store), so pasted formatting that is not ours is dropped by the schema.
 */
export function BodyEditor({
  initial,
  onChange,
  labelledBy,
}: {
  initial: Doc;
  onChange: (doc: Doc) => void;
  labelledBy: string;
}) {
  const [linkOpen, setLinkOpen] = useState(false);
  const [altFor, setAltFor] = useState<number | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const addImage = useAddImage();
  const openLink = useRef(() => setLinkOpen(true));
  const openAlt = useRef((pos: number) => setAltFor(pos));
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        code: false,
        codeBlock: false,
        strike: false,
        underline: false,
        horizontalRule: false,
        link: {
          openOnClick: false,
          autolink: true,
          defaultProtocol: 'https',
          protocols: ['mailto', 'tel'],
          isAllowedUri: (url) => isSafeHref(url),
          HTMLAttributes: { target: null, rel: 'noopener noreferrer' },
        },
      }),
      BodyImage.configure({ onEditAlt: (pos) => openAlt.current(pos) }),
    ],
    content: initial,
    // The base CSS ships in prosemirror.css: the page's CSP refuses injected <style> tags.
    injectCSS: false,
    editorProps: {
      attributes: { 'aria-labelledby': labelledBy, 'aria-multiline': 'true', role: 'textbox', class: 'body-editor' },
      transformPastedHTML: (html) => cleanPastedHtml(html),
      handleKeyDown: (view, event) => {
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
          event.preventDefault();
          openLink.current();
          return true;
        }
        // Enter on a selected image edits its alt text.
        const { selection } = view.state;
        if (event.key === 'Enter' && selection instanceof NodeSelection && selection.node.type.name === 'image') {
          event.preventDefault();
          openAlt.current(selection.from);
          return true;
        }
        return false;
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.getJSON() as Doc),
  });

  if (!editor) return null;

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setImageError(null);
    setUploading(true);
    try {
      const id = await addImage(file);
      insertImage(editor, `media:${id}`, setAltFor);
    } catch (error) {
      setImageError(error instanceof Error ? error.message : 'The image could not be added.');
      editor.commands.focus();
    } finally {
      setUploading(false);
    }
  };

  return (
    <div className="editor-frame">
      <EditorToolbar
        editor={editor}
        onLink={() => setLinkOpen(true)}
        onImage={() => fileInput.current?.click()}
        imageBusy={uploading}
      />
      <input
        ref={fileInput}
        type="file"
        accept={IMAGE_ACCEPT}
        className="visually-hidden"
        aria-label="Image file"
        tabIndex={-1}
        onChange={(e) => void onFile(e)}
      />
      {imageError && (
        <p className="error-text editor-alert" role="alert">
          {imageError}
        </p>
      )}
      {linkOpen && <LinkForm editor={editor} onClose={() => closeForm(editor, () => setLinkOpen(false))} />}
      {altFor !== null && (
        <AltTextForm
          key={altFor}
          editor={editor}
          pos={altFor}
          onClose={() => closeForm(editor, () => setAltFor(null))}
        />
      )}
      <EditorContent editor={editor} />
    </div>
  );
}

/** Inserts the image at the cursor, then asks for its alt text straight away. */
function insertImage(editor: Editor, src: string, askAlt: (pos: number) => void): void {
  editor
    .chain()
    .focus()
    .insertContent({ type: 'image', attrs: { src, alt: '' } })
    .run();
  // The new image is the last one with this source before the cursor.
  let found: number | null = null;
  const cursor = editor.state.selection.from;
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === 'image' && node.attrs.src === src && pos <= cursor) found = pos;
  });
  if (found !== null) askAlt(found);
}

function closeForm(editor: Editor, close: () => void) {
  close();
  editor.commands.focus();
}
