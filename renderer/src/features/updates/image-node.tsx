import { mergeAttributes, Node, NodeViewWrapper, ReactNodeViewRenderer, type ReactNodeViewProps } from '@tiptap/react';
import { MEDIA_SRC, mediaIdOf } from '../../../../shared/content/doc.ts';
import { StatusIcon } from '../../components/status-icon.tsx';
import { useMediaUrl } from '../media/use-media.ts';

export type BodyImageOptions = {
  /** Opens the alt-text form for the image at this document position. */
  onEditAlt: (pos: number) => void;
};

/**
 * An image from our media store ("media:<sha256>") with its alt text and
 * optional caption. It is never parsed from HTML: it is created only from an
 * image file (the Image button, or a file pasted or dropped, uploaded to the
 * store first), so a remote or tracking image cannot get into a body.
 */
export const BodyImage = Node.create<BodyImageOptions>({
  name: 'image',
  group: 'block',
  atom: true,
  selectable: true,
  draggable: false,

  addOptions() {
    return { onEditAlt: () => undefined };
  },

  addAttributes() {
    return { src: { default: null }, alt: { default: '' }, caption: { default: null } };
  },

  parseHTML() {
    return [];
  },

  // Copied HTML names the image without loading it (a <figure> fetches nothing).
  renderHTML({ HTMLAttributes }) {
    return ['figure', mergeAttributes({ 'data-type': 'image' }, HTMLAttributes)];
  },

  addNodeView() {
    return ReactNodeViewRenderer(ImageView);
  },
});

function ImageView({ node, selected, getPos, extension }: ReactNodeViewProps) {
  const src = typeof node.attrs.src === 'string' ? node.attrs.src : '';
  const alt = typeof node.attrs.alt === 'string' ? node.attrs.alt : '';
  const caption = typeof node.attrs.caption === 'string' ? node.attrs.caption : '';
  const { url, error } = useMediaUrl(MEDIA_SRC.test(src) ? mediaIdOf(src) : '');
  const missing = alt.trim().length === 0;
  const editAlt = () => {
    const pos = getPos();
    if (typeof pos === 'number') (extension.options as BodyImageOptions).onEditAlt(pos);
  };
  return (
    <NodeViewWrapper as="figure" className={`body-image${selected ? ' is-selected' : ''}`}>
      {url ? (
        <img src={url} alt={alt} />
      ) : (
        <span className="image-loading">{error ? 'This image could not be loaded.' : 'Loading image…'}</span>
      )}
      {missing ? (
        <figcaption className="image-alt image-alt-missing">
          <StatusIcon kind="warn" /> <strong>Alt text missing</strong>{' '}
          <button type="button" className="button" onClick={editAlt}>
            Add alt text
          </button>
        </figcaption>
      ) : (
        <figcaption className="image-alt">
          <span className="image-alt-label">Alt text:</span> {alt}{' '}
          <button type="button" className="button" onClick={editAlt}>
            Edit alt text
          </button>
        </figcaption>
      )}
      {caption && (
        <p className="image-caption">
          <span className="image-alt-label">Caption:</span> {caption}
        </p>
      )}
    </NodeViewWrapper>
  );
}
